// The archive's file store: durable, atomic writes under ARCHIVE_DIR at paths made only of validated UIDs.
// A file is written to ARCHIVE_DIR/.incoming (same filesystem), fdatasync'd, then linked (keep-first) or renamed
// (replace) to its final name and the directory fsync'd, so a crash leaves either the whole file or none; the
// .incoming folder is swept on start. Nothing outside this module touches archive paths.
//
// Why both flushes, on every image (measured ~0.4-0.7 ms and ~0.2 ms on this disk, the largest part of a
// C-STORE): POSIX makes fsync()/fdatasync() of a file cover its data and the metadata needed to read it back,
// not the directory entry that names it (POSIX.1-2017 fsync(), "Application usage"; Linux fsync(2): "Calling
// fsync() does not necessarily ensure that the entry in the directory containing the file has also reached
// disk. For that an explicit fsync() on a file descriptor for the directory is also needed"). The name is made
// by link()/rename() after the data is durable, so a crash can never show the final name with partial data;
// the directory fsync then makes that name durable before the C-STORE success. On ext4 (data=ordered, jbd2) the
// two are two journal commits: fdatasync commits the transaction holding the new inode, the link lands in a
// later one, which only the directory fsync forces out. Linking first and flushing once would save a commit
// but can leave, after a crash, a final name on a file whose delayed-allocation blocks never reached the disk
// (ext4 guarantees no stale data, not complete data), i.e. a half-written archived file: not taken. The
// directory fsync is skipped only when link() finds the name taken (nothing changed).
import { closeSync, constants as fsConstants, fdatasyncSync, fsyncSync, linkSync, openSync, renameSync, statSync, unlinkSync, writevSync } from 'node:fs';
import { mkdir, readdir, rm, stat, unlink } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { dirname, join, sep } from 'node:path';
import { parseUid } from '../dicom/uid';

export const INCOMING_DIR = '.incoming';

/** ARCHIVE_DIR from the environment, default data/archive (DESIGN.md). */
export function archiveDirFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return env.ARCHIVE_DIR?.trim() || 'data/archive';
}

export interface InstancePathParts {
  sandboxId: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  sopInstanceUid: string;
}

/** `{sandboxId}/{study}/{series}/{sop}.dcm`: every part checked again here, so no caller can smuggle a path in. */
export function instancePath(p: InstancePathParts): string {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(p.sandboxId)) throw new Error(`invalid sandbox id for a path: ${JSON.stringify(p.sandboxId)}`);
  const parts = [p.studyInstanceUid, p.seriesInstanceUid, p.sopInstanceUid].map((u) => {
    const r = parseUid(u);
    if (!r.ok || r.uid !== u) throw new Error(`refusing to build a path from an invalid UID ${JSON.stringify(u)}`);
    return u;
  });
  return [p.sandboxId, parts[0], parts[1], `${parts[2]}.dcm`].join('/');
}

export type WriteOutcome = 'stored' | 'replaced' | 'exists';

/** How many directory handles stay open for fsync (the series folder of each busy association). */
const DIR_HANDLES = 64;

export class ArchiveFiles {
  private dirs = new Set<string>();
  /** open directory descriptors, least recently used first */
  private dirFds = new Map<string, number>();
  /**
   * Clean-up deferred past the C-STORE response: a sender waits for each response, so closing the temp file and
   * unlinking its temporary name happen while it prepares its next image. Neither matters for durability (the
   * data is fdatasync'd and linked first; .incoming is swept on start).
   */
  private deferred: (() => void)[] = [];
  /**
   * The next temporary file, created empty after a response rather than on the path of the next C-STORE
   * (creating a file costs ~0.15-0.25 ms here). At most one; an empty .part file holds no data.
   */
  private spare: { path: string; fd: number } | undefined;
  private housekeeping = false;

  constructor(readonly root: string) {}

  /** Creates the folders and removes whatever a crash left half-written in .incoming. */
  async init(): Promise<{ swept: number }> {
    const incoming = join(this.root, INCOMING_DIR);
    await mkdir(incoming, { recursive: true });
    let swept = 0;
    for (const name of await readdir(incoming)) {
      await rm(join(incoming, name), { force: true, recursive: true });
      swept++;
    }
    this.fsyncDir(incoming);
    return { swept };
  }

  absolute(rel: string): string {
    return join(this.root, ...rel.split('/'));
  }

  async exists(rel: string): Promise<boolean> {
    try {
      return (await stat(this.absolute(rel))).isFile();
    } catch {
      return false;
    }
  }

  /**
   * Writes `parts` as the file `rel`, durably. `overwrite: false` never replaces an existing file (returns
   * 'exists' and leaves it alone); `overwrite: true` replaces it atomically.
   */
  async write(rel: string, parts: readonly Buffer[], overwrite: boolean): Promise<{ outcome: WriteOutcome; size: number }> {
    const finalPath = this.absolute(rel);
    let size = 0;
    for (const p of parts) size += p.length;
    // Synchronous on purpose: a 512 KiB write + fdatasync takes ~1.5 ms, while each async step is a thread-pool
    // round trip that doubled the per-instance latency in measurement; the disk serialises them anyway.
    const { path: tmp, fd } = this.spare ?? this.openTemp();
    this.spare = undefined;
    this.later(() => {
      this.spare ??= this.openTemp();
    });
    try {
      let pending = [...parts];
      let written = 0;
      while (written < size) {
        const n = writevSync(fd, pending);
        written += n;
        let skip = n;
        const rest: Buffer[] = [];
        for (const b of pending) {
          if (skip >= b.length) skip -= b.length;
          else {
            rest.push(skip ? b.subarray(skip) : b);
            skip = 0;
          }
        }
        pending = rest;
      }
      fdatasyncSync(fd);
    } catch (e) {
      try {
        closeSync(fd);
        unlinkSync(tmp);
      } catch {
        // already gone
      }
      throw e;
    }
    this.later(() => closeSync(fd));
    try {
      const dir = dirname(finalPath);
      await this.ensureDir(dir);
      try {
        return await this.place(tmp, finalPath, dir, overwrite, size);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
        // the folder went away under us (a study deleted meanwhile): make it again, once
        this.dirs.delete(dir);
        await this.ensureDir(dir);
        return await this.place(tmp, finalPath, dir, overwrite, size);
      }
    } catch (e) {
      await unlink(tmp).catch(() => undefined);
      throw e;
    }
  }

  private async place(tmp: string, finalPath: string, dir: string, overwrite: boolean, size: number): Promise<{ outcome: WriteOutcome; size: number }> {
    {
      let outcome: WriteOutcome = 'stored';
      if (overwrite) {
        let existed = true;
        try {
          statSync(finalPath);
        } catch {
          existed = false;
        }
        renameSync(tmp, finalPath);
        outcome = existed ? 'replaced' : 'stored';
      } else {
        try {
          linkSync(tmp, finalPath);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
          outcome = 'exists';
        }
        // the data now has its final name (or was refused): the temporary name can go after the response
        this.later(() => unlinkSync(tmp));
      }
      if (outcome !== 'exists') this.fsyncDir(dir);
      return { outcome, size };
    }
  }

  private openTemp() {
    const path = join(this.root, INCOMING_DIR, `${randomUUID()}.part`);
    return { path, fd: openSync(path, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL, 0o644) };
  }

  /** Runs `f` once the current C-STORE has been answered (setImmediate runs after the response's microtask). */
  private later(f: () => void) {
    this.deferred.push(f);
    if (this.housekeeping) return;
    this.housekeeping = true;
    setImmediate(() => this.runDeferred());
  }

  private runDeferred() {
    this.housekeeping = false;
    const jobs = this.deferred;
    this.deferred = [];
    for (const f of jobs) {
      try {
        f();
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') console.error(`archive housekeeping: ${(e as Error).message}`);
      }
    }
  }

  async remove(rel: string): Promise<void> {
    const abs = this.absolute(rel);
    await unlink(abs).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
    this.fsyncDir(dirname(abs));
  }

  /** mkdir -p, fsyncing each parent of a folder it creates so the new entries survive a crash. */
  private async ensureDir(dir: string) {
    if (this.dirs.has(dir)) return;
    const first = await mkdir(dir, { recursive: true });
    if (first) {
      // fsync from the deepest new folder up to the parent of the first one created
      let d = dir;
      const stop = dirname(first);
      for (;;) {
        this.fsyncDir(dirname(d));
        d = dirname(d);
        if (d === stop || !d.startsWith(this.root + sep)) break;
      }
    }
    this.dirs.add(dir);
    if (this.dirs.size > 10_000) this.dirs.clear();
  }

  /** fsync(2) of a directory, synchronously (one syscall; an async one is a thread-pool round trip). */
  private fsyncDir(dir: string) {
    let fd = this.dirFds.get(dir);
    if (fd === undefined) {
      fd = openSync(dir, fsConstants.O_RDONLY | fsConstants.O_DIRECTORY);
      if (this.dirFds.size >= DIR_HANDLES) {
        const [oldest, ofd] = this.dirFds.entries().next().value as [string, number];
        this.dirFds.delete(oldest);
        closeSync(ofd);
      }
    } else {
      this.dirFds.delete(dir);
    }
    // most recently used last
    this.dirFds.set(dir, fd);
    try {
      fsyncSync(fd);
    } catch (e) {
      this.dirFds.delete(dir);
      closeSync(fd);
      throw e;
    }
  }

  async close() {
    this.runDeferred();
    if (this.spare) {
      closeSync(this.spare.fd);
      unlinkSync(this.spare.path);
      this.spare = undefined;
    }
    for (const fd of this.dirFds.values()) closeSync(fd);
    this.dirFds.clear();
  }
}
