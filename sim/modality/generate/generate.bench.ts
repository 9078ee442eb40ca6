// Generator benchmark (not a test): how long generateStudy takes for a 300-slice CT (the issue asks for under
// 5 s on this 2-core machine), and for one study of every other protocol.
//
//   npx tsx sim/modality/generate/generate.bench.ts                 # 300-slice CT chest, 3 runs, then the rest
//   npx tsx sim/modality/generate/generate.bench.ts --slices 1000 --runs 1 --protocol ct-abdomen
//
// Times generateStudy only (phantom, pixels, Part 10 encoding, all in memory); writing the files is the disk's
// business and `pacslab generate` reports it separately.
import { performance } from 'node:perf_hooks';
import { generateStudy, PROTOCOLS } from './index';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const SLICES = Number(arg('slices', '300'));
const RUNS = Number(arg('runs', '3'));
const PROTOCOL = arg('protocol', 'ct-chest');
const patient = { patientName: 'BENCH^CT', patientId: 'BENCH1' };
const now = new Date(2026, 10, 28, 9, 0, 0);

const times: number[] = [];
let bytes = 0;
for (let run = 0; run < RUNS; run++) {
  const t0 = performance.now();
  const ct = PROTOCOL.startsWith('ct-');
  const s = generateStudy({ protocolId: PROTOCOL, seed: run, slices: ct ? SLICES : undefined, now, patient });
  const ms = performance.now() - t0;
  times.push(ms);
  bytes = s.images.reduce((n, i) => n + i.bytes.length, 0);
  console.log(`${PROTOCOL} ${ct ? `${SLICES} slices` : `${s.images.length} image(s)`}, run ${run + 1}: ${(ms / 1000).toFixed(2)} s, ${(bytes / 1e6).toFixed(0)} MB${ct ? `, ${(SLICES / (ms / 1000)).toFixed(0)} slices/s` : ''}`);
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
const isCt = PROTOCOL.startsWith('ct-');
console.log(`median ${(median / 1000).toFixed(2)} s${isCt ? ` for ${SLICES} slices (target < 5 s for 300): ${SLICES === 300 ? (median < 5000 ? 'OK' : 'TOO SLOW') : 'n/a'}` : ''}`);
console.log(`peak RSS ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);

if (!process.argv.includes('--protocol')) {
  console.log('\nevery other protocol, default size:');
  for (const p of PROTOCOLS.filter((x) => x.id !== PROTOCOL)) {
    const t0 = performance.now();
    const s = generateStudy({ protocolId: p.id, seed: 1, now, patient });
    const ms = performance.now() - t0;
    const mb = s.images.reduce((n, i) => n + i.bytes.length, 0) / 1e6;
    console.log(`  ${p.id.padEnd(16)} ${String(s.images.length).padStart(4)} image(s) ${mb.toFixed(1).padStart(6)} MB ${(ms / 1000).toFixed(2).padStart(6)} s`);
  }
}
