// Start-up recovery of the storage tiers' and the corrections' switch (tiers.ts, corrections.ts): run before the
// reconciliation (reconcileArchive.ts), which indexes every `{sop}.dcm` no row names as an instance a power loss
// forgot. Not every unreferenced file is one. Tier work writes a new copy of an instance beside the old one,
// switches the index (durably), then removes the old copy, so a crash leaves one copy no row names:
//   - before the switch: the new tier copy `{sop}.{codec}.dcm` (a lossy copy's {sop} is its new UID, with no row);
//   - after the switch: the old file, `{sop}.dcm` of the same instance, or the original a lossy copy replaced
//     (its UID is the lossy row's originalSopInstanceUid).
// Such a copy is removed here, so it is never indexed as a second instance. A copy is removed only when the copy
// the index names is on disk (nothing removed can be the last copy), and not while a tier job of the sandbox is
// queued or running (its copies are in flight; the next start removes them). An original newer than the lossy copy
// that replaced it was sent again (to be restored): it is left for the reconciliation to index.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Db } from '../../prisma/db';
import { INCOMING_DIR, type ArchiveFiles } from './archiveFiles';

export interface TierLeftovers {
  /** series folders looked at */
  folders: number;
  /** unreferenced copies removed */
  removed: string[];
  /** unreferenced copies left alone, with why */
  kept: { path: string; why: string }[];
}

const LOOKUP_CHUNK = 500;

async function dirs(path: string): Promise<string[]> {
  try {
    return (await readdir(path, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch {
    return [];
  }
}

/** `{sop}.dcm` (an instance as received or restored) or `{sop}.{codec}.dcm` (a tier copy, tiers.ts tierCopyPath) */
export function parseArchiveName(name: string): { sop: string; tierCopy: boolean } {
  const stem = name.slice(0, -'.dcm'.length);
  const m = /^([0-9.]+)\.([a-z][a-z0-9-]*)$/.exec(stem);
  return m ? { sop: m[1], tierCopy: true } : { sop: stem, tierCopy: false };
}

const mtimeOf = async (abs: string) => {
  try {
    return (await stat(abs)).mtimeMs;
  } catch {
    return undefined;
  }
};

type Verdict = 'instance' | { remove: boolean; why: string };

/** What a file no row names is: an instance whose row was lost (left to the reconciliation), or a leftover copy. */
async function verdict(
  files: ArchiveFiles,
  c: { sop: string; tierCopy: boolean; rel: string },
  sameSop: { filePath: string } | undefined,
  replacedBy: { filePath: string; sopInstanceUid: string } | undefined,
): Promise<Verdict> {
  if (sameSop) {
    if (await files.exists(sameSop.filePath)) return { remove: true, why: `a copy of instance ${c.sop}, which is indexed at ${sameSop.filePath}` };
    return { remove: false, why: `instance ${c.sop} is indexed at ${sameSop.filePath}, which is missing: this copy is kept for an operator to check` };
  }
  if (c.tierCopy) {
    // never an instance as received: a lossy copy whose switch never happened (its new UID has no row; the
    // original is still indexed, since the switch is made durable before any old file goes)
    return { remove: true, why: 'a tier copy no row names (a migration or restore stopped before its switch)' };
  }
  if (replacedBy) {
    const [mine, theirs] = await Promise.all([mtimeOf(files.absolute(c.rel)), mtimeOf(files.absolute(replacedBy.filePath))]);
    if (mine !== undefined && theirs !== undefined && mine <= theirs) return { remove: true, why: `the original lossy copy ${replacedBy.sopInstanceUid} replaced (a migration stopped after its switch)` };
  }
  return 'instance';
}

/** Removes the copies interrupted tier (and correction) work left in the archive; see the header. */
export async function removeTierLeftovers(db: Db, files: ArchiveFiles): Promise<TierLeftovers> {
  const result: TierLeftovers = { folders: 0, removed: [], kept: [] };
  const sandboxes = new Set((await db.sandbox.findMany({ select: { id: true } })).map((s) => s.id));
  for (const sandboxId of await dirs(files.root)) {
    if (sandboxId === INCOMING_DIR || !sandboxes.has(sandboxId)) continue;
    const busy = await db.tierJob.findFirst({ where: { sandboxId, status: { in: ['queued', 'running'] } }, select: { kind: true } });
    for (const study of await dirs(join(files.root, sandboxId))) {
      for (const series of await dirs(join(files.root, sandboxId, study))) {
        result.folders++;
        const names = (await readdir(join(files.root, sandboxId, study, series))).filter((n) => n.endsWith('.dcm'));
        for (let i = 0; i < names.length; i += LOOKUP_CHUNK) {
          const chunk = names.slice(i, i + LOOKUP_CHUNK).map((n) => ({ ...parseArchiveName(n), rel: `${sandboxId}/${study}/${series}/${n}` }));
          const sops = [...new Set(chunk.map((c) => c.sop))];
          const rows = await db.instance.findMany({
            where: { sandboxId, OR: [{ filePath: { in: chunk.map((c) => c.rel) } }, { sopInstanceUid: { in: sops } }, { originalSopInstanceUid: { in: sops } }] },
            select: { sopInstanceUid: true, filePath: true, originalSopInstanceUid: true, lossy: true },
          });
          const named = new Set(rows.map((r) => r.filePath));
          const bySop = new Map(rows.map((r) => [r.sopInstanceUid, r]));
          const byOriginal = new Map(rows.filter((r) => r.lossy && r.originalSopInstanceUid).map((r) => [r.originalSopInstanceUid, r]));
          for (const c of chunk) {
            if (named.has(c.rel)) continue;
            const v = await verdict(files, c, bySop.get(c.sop), byOriginal.get(c.sop));
            if (v === 'instance') continue;
            if (v.remove && !busy) {
              await files.remove(c.rel);
              result.removed.push(c.rel);
            } else {
              result.kept.push({ path: c.rel, why: v.remove ? `${v.why}; a ${busy!.kind} job of the sandbox is queued or running: left for the next start` : v.why });
            }
          }
        }
      }
    }
  }
  return result;
}
