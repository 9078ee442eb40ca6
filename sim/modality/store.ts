// The simulated scanners' local disk: each acquisition's Part 10 files in one folder, kept until an archive has
// committed to them and the user purges (IHE SWF: the modality keeps its copy until Storage Commitment).
// MODALITY_DIR from the environment, default data/modality (beside ARCHIVE_DIR's data/archive).
// Layout: <root>/<sandboxId>/<modalityAe>/<acquisition folder>/<file>, the folder name relative to the root kept in
// Acquisition.folder so the root can move.
import { randomBytes } from 'node:crypto';
import { mkdir, rm, rmdir, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';

export function modalityDirFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.MODALITY_DIR?.trim() || 'data/modality');
}

/** A fresh acquisition folder (relative to the store root), created on disk. */
export async function newAcquisitionFolder(sandboxId: string, modalityAe: string, now = new Date(), root = modalityDirFromEnv()): Promise<{ folder: string; path: string }> {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
  const folder = [safe(sandboxId), safe(modalityAe), `${stamp}-${randomBytes(4).toString('hex')}`].join('/');
  const path = folderPath(folder, root);
  await mkdir(path, { recursive: true });
  return { folder, path };
}

/** AE titles may hold characters a file name should not: keep letters, digits, - and _. */
function safe(s: string): string {
  return s.replace(/[^A-Za-z0-9_-]/g, '_') || '_';
}

export function folderPath(folder: string, root = modalityDirFromEnv()): string {
  const path = resolve(root, ...folder.split('/'));
  const rel = relative(root, path);
  if (rel.startsWith('..') || isAbsolute(rel) || rel.split(sep).includes('..')) throw new Error(`acquisition folder ${folder} is outside the modality store`);
  return path;
}

export function imagePath(folder: string, file: string, root = modalityDirFromEnv()): string {
  return join(folderPath(folder, root), file);
}

/** File name of an image inside its acquisition folder, relative to it. */
export function relativeFile(folderAbs: string, fileAbs: string): string {
  return relative(folderAbs, fileAbs).split(sep).join('/');
}

export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

export async function removeFile(path: string): Promise<void> {
  await rm(path, { force: true });
}

export async function removeFolderIfEmpty(path: string): Promise<void> {
  await rmdir(path).catch(() => undefined);
}
