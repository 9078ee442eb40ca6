// Per-sandbox bounds of the DICOM listener (issue 11, resource bounds). One listener serves every sandbox of a
// class: without a bound of its own, one student's runaway script (or a scanner retrying in a loop) could hold all
// of the listener's associations (DimseServerOptions.maxAssociations) and lock the other students out. Past the
// bound a new association of that sandbox is refused with A-ASSOCIATE-RJ rejected-transient, service-provider
// (presentation), local-limit-exceeded (PS3.8 9.3.4, Table 9-21: result 2, source 3, reason 2): try again later.
// Read at each association, so a test (or an operator restarting nothing) can change it; the daemon checks it at
// start so a bad value stops it with a clear message instead of refusing associations.
import { z } from 'zod';

export const DEFAULT_MAX_ASSOCIATIONS_PER_SANDBOX = 20;

const limit = z.coerce
  .number({ message: 'a whole number' })
  .int('a whole number')
  .min(1, 'at least 1')
  .max(10_000, 'at most 10000');

/** MAX_ASSOCIATIONS_PER_SANDBOX from the environment (default 20); throws with the reason in words. */
export function maxAssociationsPerSandbox(env: Readonly<Record<string, string | undefined>> = process.env): number {
  const raw = env.MAX_ASSOCIATIONS_PER_SANDBOX?.trim();
  if (!raw) return DEFAULT_MAX_ASSOCIATIONS_PER_SANDBOX;
  const r = limit.safeParse(raw);
  if (!r.success) throw new Error(`MAX_ASSOCIATIONS_PER_SANDBOX must be a whole number from 1 to 10000, not "${raw}" (${r.error.issues[0]?.message})`);
  return r.data;
}

// Per-association bound on one C-STORE data set. The listener holds a data set in memory until its last fragment,
// then writes and fsyncs it; without a bound a peer could send one endless data set and take the process's memory.
// Past the bound the rest of that data set is read and dropped (the association stays usable) and the C-STORE is
// answered A700 "Refused: Out of Resources" (PS3.4 B.2.3) with the limit in the Error Comment. 1 GiB by default:
// far above any single image a teaching archive meets (a 512-slice enhanced CT is ~270 MB).
export const DEFAULT_MAX_DATASET_BYTES = 1024 * 1024 * 1024;

const bytes = z.coerce.number({ message: 'a whole number of bytes' }).int('a whole number of bytes').min(1024, 'at least 1024').max(4 * 1024 ** 3, 'at most 4 GiB');

/** MAX_DATASET_BYTES from the environment (default 1 GiB); throws with the reason in words. */
export function maxDatasetBytes(env: Readonly<Record<string, string | undefined>> = process.env): number {
  const raw = env.MAX_DATASET_BYTES?.trim();
  if (!raw) return DEFAULT_MAX_DATASET_BYTES;
  const r = bytes.safeParse(raw);
  if (!r.success) throw new Error(`MAX_DATASET_BYTES must be a whole number of bytes from 1024 to 4 GiB, not "${raw}" (${r.error.issues[0]?.message})`);
  return r.data;
}
