// Join codes: eight characters as XXXX-XXXX from an alphabet without 0/O and 1/I/L, so a code read aloud or
// copied from a slide is typed right. 30^8 ≈ 6.6e11 codes; the unique index catches the rare collision.
import { randomInt } from 'node:crypto';

const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ2345679';

export function newJoinCode(random: (n: number) => number = randomInt): string {
  const chars = Array.from({ length: 8 }, () => ALPHABET[random(ALPHABET.length)]);
  return `${chars.slice(0, 4).join('')}-${chars.slice(4).join('')}`;
}

/** What a student typed, in the stored form: upper case, spaces dropped, the dash put back; null if it cannot be a code. */
export function normalizeJoinCode(input: string): string | null {
  const s = input.toUpperCase().replace(/[\s-]/g, '');
  if (s.length !== 8 || [...s].some((c) => !ALPHABET.includes(c))) return null;
  return `${s.slice(0, 4)}-${s.slice(4)}`;
}
