// Ids for rows written with raw SQL on hot paths, in the shape Prisma's @default(cuid()) gives (cuid v1: 25
// characters, "c" + time + counter + host fingerprint + random, lowercase base 36), so a table's ids look alike
// whichever way a row was written. Opaque: nothing parses them; they need only be unique.
import { randomInt } from 'node:crypto';
import { hostname } from 'node:os';

const BASE = 36;
const BLOCK = 4;
const MAX = BASE ** BLOCK;

const pad = (text: string, size: number) => text.padStart(size, '0').slice(-size);

function fingerprint(): string {
  const host = hostname();
  let sum = host.length + BASE;
  for (const ch of host) sum += ch.charCodeAt(0);
  return pad(process.pid.toString(BASE), 2) + pad(sum.toString(BASE), 2);
}

const print = fingerprint();
let counter = randomInt(MAX);

export function cuid(): string {
  counter = (counter + 1) % MAX;
  return (
    'c' +
    Date.now().toString(BASE) +
    pad(counter.toString(BASE), BLOCK) +
    print +
    pad(randomInt(MAX).toString(BASE), BLOCK) +
    pad(randomInt(MAX).toString(BASE), BLOCK)
  );
}
