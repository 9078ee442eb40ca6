import { describe, expect, it } from 'vitest';
import { describeStatus, lookupStatus, statusCategory, Status } from './status';
import { STORAGE_SOP_CLASSES, isStorageSopClass } from './sopClasses';
import { TRANSFER_SYNTAXES, transferSyntax } from './transferSyntaxes';
import { isValidUid } from './uid';

describe('status table', () => {
  it.each([
    [0x0000, 'success', /Success/],
    [0xb000, 'warning', /Coercion/],
    [0xb007, 'warning', /does not match SOP Class/],
    [0xb006, 'warning', /Elements discarded/],
    [0xa700, 'failure', /out of resources/],
    [0xa701, 'failure', /number of matches/],
    [0xa702, 'failure', /sub-operations/],
    [0xa900, 'failure', /does not match SOP Class/],
    [0xc000, 'failure', /cannot understand/],
    [0xc211, 'failure', /cannot understand/],
    [0x0122, 'failure', /SOP Class not supported/],
    [0x0211, 'failure', /Unrecognized operation/],
    [0xa801, 'failure', /move destination unknown/],
    [0xff00, 'pending', /Pending/],
    [0xff01, 'pending', /Optional Keys/],
    [0xfe00, 'cancel', /Cancel/],
    [0x0112, 'failure', /No such SOP Instance/],
  ] as const)('0x%s is %s', (code, category, meaning) => {
    expect(statusCategory(code)).toBe(category);
    expect(describeStatus(code)).toMatch(meaning);
    expect(lookupStatus(code)?.cite).toMatch(/^PS3\.[47] /);
  });

  it('describes codes it does not know without throwing', () => {
    expect(describeStatus(0xb123)).toBe('0xB123 unknown status (warning)');
    expect(describeStatus(0x1234)).toBe('0x1234 unknown status (failure)');
  });

  it('names the codes handlers use', () => {
    expect(describeStatus(Status.OutOfResources)).toBe('0xA700 Refused: out of resources (failure, PS3.4 B.2.3)');
  });
});

describe('SOP class and transfer syntax tables', () => {
  it('hold valid, unique UIDs', () => {
    const uids = [...STORAGE_SOP_CLASSES.map((c) => c.uid), ...TRANSFER_SYNTAXES.map((t) => t.uid)];
    expect(new Set(uids).size).toBe(uids.length);
    for (const uid of uids) expect(isValidUid(uid), uid).toBe(true);
  });

  it('cover the modalities the archive promises', () => {
    const modalities = new Set(STORAGE_SOP_CLASSES.map((c) => c.modality));
    for (const m of ['CT', 'MR', 'CR', 'DX', 'MG', 'US', 'NM', 'PT', 'XA', 'RF', 'OT']) expect(modalities).toContain(m);
    expect(isStorageSopClass('1.2.840.10008.5.1.4.1.1.7.4')).toBe(true); // multi-frame true colour SC
    expect(isStorageSopClass('1.2.840.10008.5.1.4.1.1.2.1')).toBe(true); // enhanced CT
  });

  it('mark lossy syntaxes', () => {
    expect(transferSyntax('1.2.840.10008.1.2.4.50')?.lossy).toBe(true);
    expect(transferSyntax('1.2.840.10008.1.2.4.70')?.lossy).toBe(false);
    expect(transferSyntax('1.2.840.10008.1.2.4.81')?.lossy).toBe(true);
    expect(transferSyntax('1.2.840.10008.1.2.4.203')?.lossy).toBe(true);
    expect(transferSyntax('1.2.840.10008.1.2.4.201')?.lossy).toBe(false);
    expect(transferSyntax('1.2.840.10008.1.2.5')?.lossy).toBe(false);
  });
});
