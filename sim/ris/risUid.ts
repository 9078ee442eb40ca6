// UIDs the RIS makes up (Study Instance UID of a new order, an MPPS instance the SCU left to us): the UUID-derived
// form 2.25.<128-bit integer> of PS3.5 B.2, so no registered root is needed and no two nodes collide.
import { randomBytes } from 'node:crypto';

export function newUid(): string {
  const b = randomBytes(16);
  b[6] = (b[6] & 0x0f) | 0x40; // a version 4 UUID, as B.2 describes
  b[8] = (b[8] & 0x3f) | 0x80;
  return `2.25.${BigInt(`0x${b.toString('hex')}`).toString(10)}`;
}
