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
// the directory fsync then makes that name durable before the C-STORE success. On a journalled ext4
// (data=ordered, jbd2) the two are two journal commits: fdatasync commits the transaction holding the new inode,
// the link lands in a later one, which only the directory fsync forces out. On an ext4 without a journal (the CI
// machines' disk: /sys/fs/ext4/<dev>/journal_task is <none>) they are two cache flushes: fdatasync writes the
// data, the inode and the block of .incoming that names it (fs/ext4/fsync.c, ext4_sync_parent), the directory
// fsync the final folder's block. Linking first and flushing once would save one but can leave, after a crash, a
// final name on a file whose delayed-allocation blocks never reached the disk (ext4 guarantees no stale data
// with a journal, not complete data; without one, not even that), i.e. a half-written archived file: not
// taken. The directory fsync is skipped only when link() finds the name taken (nothing changed).
import { close as closeCb, closeSync, constants as fsConstants, open as openCb, unlink as unlinkCb, fdatasyncSync, fsyncSync, linkSync, openSync, renameSync, statSync, unlinkSync, writevSync } from 'node:fs';
import { mkdir, readdir, rm, stat, unlink } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { dirname, join, sep } from 'node:path';
import { parseUid } from '../dicom/uid';
import { traceMark as mark } from '../dimse/ingestTrace';

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

/**
 * Empty temporary files kept ready (see refill): one serves a sender that waits for each response; concurrent
 * associations that find none create their own. Made after the first write, so a quiet archive has none.
 */
const SPARES = 1;

/** A temporary file is always a new one (O_EXCL), written only. */
const TEMP_FLAGS = fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL;

/** Completion of clean-up done on the thread pool: a file already gone is fine, anything else is logged. */
function quietly(e: NodeJS.ErrnoException | null) {
  if (e && e.code !== 'ENOENT') console.error(`archive housekeeping: ${e.message}`);
}

export class ArchiveFiles {
  private dirs = new Set<string>();
  /** open directory descriptors, least recently used first */
  private dirFds = new Map<string, number>();
  /**
   * Empty temporary files made ready on the thread pool, so a C-STORE never waits for a file to be created
   * (creating one took 0.7 ms of the main thread per image under load: the inode's journal handle waits while
   * the previous image's commit is in flight). An empty .part file holds no data.
   */
  private spare: { path: string; fd: number }[] = [];
  private refilling = false;
  private deferred: (() => void)[] = [];
  private closed = false;

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
    const { path: tmp, fd } = this.spare.shift() ?? this.openTemp();
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
      mark('4a write the temporary file');
      fdatasyncSync(fd);
      mark('4b fdatasync');
    } catch (e) {
      try {
        closeSync(fd);
        unlinkSync(tmp);
      } catch {
        // already gone
      }
      throw e;
    }
    this.afterResponse(() => closeCb(fd, quietly));
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
        this.afterResponse(() => unlinkCb(tmp, quietly));
      }
      mark('4c link it to its name');
      if (outcome !== 'exists') this.fsyncDir(dir);
      return { outcome, size };
    }
  }

  /**
   * Runs `f` once the current C-STORE has been answered (setImmediate runs after the response's microtask):
   * clean-up and the next spare file go to the thread pool then, not while this image is written. File-system
   * metadata work on another thread during the write and fsync slowed them (measured: ~1.06-1.21 s against
   * 0.97-1.06 s per 300 images).
   */
  private afterResponse(f: () => void) {
    this.deferred.push(f);
    if (this.deferred.length > 1) return;
    setImmediate(() => {
      const jobs = this.deferred;
      this.deferred = [];
      for (const job of jobs) job();
      this.refill();
    });
  }

  /** Keeps SPARES empty temporary files ready, created on the thread pool (not on a C-STORE's path). */
  private refill() {
    if (this.refilling || this.spare.length >= SPARES || this.closed) return;
    this.refilling = true;
    const path = this.tempPath();
    openCb(path, TEMP_FLAGS, 0o644, (e, fd) => {
      this.refilling = false;
      if (e) return console.error(`archive: could not create a temporary file: ${e.message}`);
      if (this.closed) return closeCb(fd, () => unlinkCb(path, () => undefined));
      this.spare.push({ path, fd });
      this.refill();
    });
  }

  private tempPath() {
    return join(this.root, INCOMING_DIR, `${randomUUID()}.part`);
  }

  private openTemp() {
    const path = this.tempPath();
    return { path, fd: openSync(path, TEMP_FLAGS, 0o644) };
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
    for (const job of this.deferred.splice(0)) job();
    this.closed = true;
    for (const t of this.spare.splice(0)) {
      closeSync(t.fd);
      unlinkSync(t.path);
    }
    for (const fd of this.dirFds.values()) closeSync(fd);
    this.dirFds.clear();
  }
}
