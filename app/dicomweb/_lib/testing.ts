// Test harness for the DICOMweb modules: a real migrated database (createTestDb), the demo sandbox, a temporary
// ARCHIVE_DIR, and instances put there through STOW-RS, i.e. through the archive's one C-STORE store+index path.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDb, type TestDb } from '@/prisma/testing';
import { seedDemo } from '@/sim/seed';
import { handleDicomWeb, type DicomWebContext } from './dicomWebService';
import { boundaryOf, parseMultipart, type ParsedPart } from './multipart';

export const PYDICOM_FILES = '/usr/lib/python3/dist-packages/pydicom/data/test_files';
export const BASE = 'http://dicomweb.test/dicomweb/PACS';

export function sample(name: string): Buffer {
  return readFileSync(join(PYDICOM_FILES, name));
}

export interface Harness {
  t: TestDb;
  ctx: DicomWebContext;
  archiveDir: string;
  /** a context for another sandbox of the same database (pydicom ships one MR image in many syntaxes under one UID) */
  sandbox(slug: string): Promise<DicomWebContext>;
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const t = await createTestDb();
  const { sandboxId } = await seedDemo(t.db);
  const archiveDir = mkdtempSync(join(tmpdir(), 'pacslab-dicomweb-'));
  const ctx: DicomWebContext = { db: t.db, archiveDir, sandboxId, aeTitle: 'PACS', baseUrl: BASE };
  return {
    t,
    ctx,
    archiveDir,
    async sandbox(slug) {
      const s = await t.db.sandbox.create({ data: { slug, name: slug } });
      return { ...ctx, sandboxId: s.id, aeTitle: `PACS_${slug.toUpperCase()}`.slice(0, 16) };
    },
    async close() {
      await t.drop();
      rmSync(archiveDir, { recursive: true, force: true });
    },
  };
}

export function multipartBody(files: Buffer[], boundary = 'test-boundary-1234', type = 'application/dicom'): Buffer {
  const chunks: Buffer[] = [];
  for (const f of files) chunks.push(Buffer.from(`--${boundary}\r\nContent-Type: ${type}\r\n\r\n`), f, Buffer.from('\r\n'));
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

export async function stow(ctx: DicomWebContext, files: Buffer[], path = 'studies'): Promise<Response> {
  const body = multipartBody(files);
  return handleDicomWeb(
    ctx,
    new Request(`${BASE}/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'multipart/related; type="application/dicom"; boundary=test-boundary-1234' },
      body: new Uint8Array(body),
    }),
    path.split('/'),
  );
}

export async function get(ctx: DicomWebContext, pathAndQuery: string, accept?: string): Promise<Response> {
  const url = new URL(`${BASE}/${pathAndQuery}`);
  const path = url.pathname.replace(/^\/dicomweb\/PACS\//, '').split('/');
  return handleDicomWeb(ctx, new Request(url, { headers: accept ? { accept } : {} }), path);
}

export async function parts(res: Response): Promise<ParsedPart[]> {
  const boundary = boundaryOf(res.headers.get('content-type') ?? '');
  if (!boundary) throw new Error(`not multipart: ${res.headers.get('content-type')}`);
  return parseMultipart(Buffer.from(await res.arrayBuffer()), boundary);
}

/** The value of an attribute in a DICOM JSON data set. */
export function value(ds: Record<string, { Value?: unknown[] }>, tag: string): unknown {
  return ds[tag]?.Value?.[0];
}
