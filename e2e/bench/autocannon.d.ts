// autocannon ships no types; the benchmark uses a small part of its API.
declare module 'autocannon' {
  interface Histogram { average: number; p50: number; p90: number; p97_5: number; p99: number; total: number }
  export interface Result { requests: Histogram; latency: Histogram; non2xx: number; errors: number; timeouts: number }
  export default function autocannon(options: Record<string, unknown>): Promise<Result>;
}
