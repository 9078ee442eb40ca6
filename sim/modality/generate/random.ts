// Deterministic randomness for the generator: everything (anatomy variation, noise, UIDs, exposure index) comes
// from the request's seed, so the same request and seed give the same bytes.
import { createHash } from 'node:crypto';

/** A 32-bit value from a hash of the parts. */
export function hash32(...parts: readonly (string | number)[]): number {
  return createHash('sha256').update(parts.join('\u0001')).digest().readUInt32LE(0);
}

/**
 * A UID under the 2.25 arc (PS3.5 B.2) from a hash of the parts: the decimal form of a 128-bit integer, at most
 * 44 characters, no leading zero.
 */
export function hashUid(...parts: readonly (string | number)[]): string {
  const d = createHash('sha256').update(parts.join('\u0001')).digest();
  d[0] |= 0x80; // a fixed top bit: always 39 digits, never "0"
  return `2.25.${BigInt(`0x${d.subarray(0, 16).toString('hex')}`).toString(10)}`;
}

/** mulberry32: small, fast, good enough for textures and anatomy jitter. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  /** uniform in [0, 1) */
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }
  int(lo: number, hiInclusive: number): number {
    return lo + Math.floor(this.next() * (hiInclusive - lo + 1));
  }
  /** standard normal (Box-Muller) */
  gauss(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}

/** A table of standard-normal noise (×16, as Int16), lightly low-passed so it looks like reconstructed noise. */
export function noiseTable(seed: number, size = 1 << 19, smooth = true): Int16Array {
  const rng = new Rng(seed);
  const raw = new Float32Array(size);
  for (let i = 0; i < size; i++) raw[i] = rng.gauss();
  const out = new Int16Array(size);
  for (let i = 0; i < size; i++) {
    const v = smooth ? (raw[i] * 0.7 + 0.45 * (raw[(i + 1) & (size - 1)] + raw[(i + size - 1) & (size - 1)])) / 1.0 : raw[i];
    out[i] = Math.max(-32000, Math.min(32000, Math.round(v * 16)));
  }
  return out;
}
