// Keeps docs/conformance-statement.md true: its checked tables must list exactly the SOP classes and transfer
// syntaxes the archive AE negotiates (servicesByRole is what the listener serves), and the policy it describes
// must be what negotiateContexts does.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../prisma/testing';
import { ArchiveFiles } from '../sim/archive/archiveFiles';
import { STORAGE_SOP_CLASSES } from '../sim/dicom/sopClasses';
import { negotiateContexts } from '../sim/dimse/contextPolicy';
import type { DimseService } from '../sim/dimse/types';
import { servicesByRole } from '../sim/startDicomServices';

const doc = readFileSync(join(import.meta.dirname, 'conformance-statement.md'), 'utf8');

function uidsIn(section: string): Set<string> {
  const m = new RegExp(`<!-- conformance:${section} -->([\\s\\S]*?)<!-- /conformance:${section} -->`).exec(doc);
  if (!m) throw new Error(`section ${section} is missing from the conformance statement`);
  return new Set([...m[1].matchAll(/`([0-9.]+)`/g)].map((x) => x[1]));
}

let t: TestDb;
let dir: string;
let archive: readonly DimseService[];
let worklist: readonly DimseService[];

beforeAll(async () => {
  t = await createTestDb();
  dir = mkdtempSync(join(tmpdir(), 'pacslab-conf-'));
  const files = new ArchiveFiles(dir);
  ({ archive, worklist } = servicesByRole({ db: t.db, files }));
});
afterAll(async () => {
  await t?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('conformance statement', () => {
  it('lists exactly the storage SOP classes the archive accepts', () => {
    const storage = archive.find((s) => s.sopClasses.includes(STORAGE_SOP_CLASSES[0].uid))!;
    expect([...uidsIn('storage-sop-classes')].sort()).toEqual([...storage.sopClasses].sort());
  });

  it('lists exactly the transfer syntaxes accepted for storage', () => {
    const storage = archive.find((s) => s.sopClasses.includes(STORAGE_SOP_CLASSES[0].uid))!;
    expect([...uidsIn('storage-transfer-syntaxes')].sort()).toEqual([...storage.transferSyntaxes].sort());
  });

  it('lists exactly the other SOP classes the archive AE serves', () => {
    const storageUids = new Set(STORAGE_SOP_CLASSES.map((c) => c.uid));
    const served = new Set(archive.flatMap((s) => s.sopClasses).filter((u) => !storageUids.has(u)));
    expect([...uidsIn('sop-classes')].sort()).toEqual([...served].sort());
  });

  it('lists exactly the SOP classes the RIS AE serves', () => {
    expect([...uidsIn('ris-sop-classes')].sort()).toEqual([...new Set(worklist.flatMap((s) => s.sopClasses))].sort());
  });

  it('describes the negotiation policy the code applies (first supported syntax; results 3 and 4)', () => {
    const supported = new Map(archive.flatMap((s) => s.sopClasses.map((c) => [c, new Set(s.transferSyntaxes)] as const)));
    const [first, unknownClass, noSyntax] = negotiateContexts(
      [
        { id: 1, abstractSyntax: '1.2.840.10008.5.1.4.1.1.2', transferSyntaxes: ['1.2.840.10008.1.2.4.90', '1.2.840.10008.1.2'] },
        { id: 3, abstractSyntax: '1.2.3.4.5', transferSyntaxes: ['1.2.840.10008.1.2'] },
        { id: 5, abstractSyntax: '1.2.840.10008.5.1.4.1.1.2', transferSyntaxes: ['1.2.3.99'] },
      ],
      supported,
    );
    expect(first).toMatchObject({ result: 0, acceptedTransferSyntax: '1.2.840.10008.1.2.4.90' });
    expect(unknownClass.result).toBe(3);
    expect(noSyntax.result).toBe(4);
    expect(doc).toMatch(/first proposed transfer syntax that is supported/);
  });
});
