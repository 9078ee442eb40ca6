import { describe, expect, it } from 'vitest';
import { ContextResult, negotiateContexts } from './contextPolicy';

const CT = '1.2.840.10008.5.1.4.1.1.2';
const MR = '1.2.840.10008.5.1.4.1.1.4';
const IMPLICIT = '1.2.840.10008.1.2';
const EXPLICIT = '1.2.840.10008.1.2.1';
const J2K = '1.2.840.10008.1.2.4.90';
const JPEGXL = '1.2.840.10008.1.2.4.110';

const supported = new Map([[CT, new Set([IMPLICIT, EXPLICIT, J2K])]]);

describe('negotiateContexts', () => {
  it('accepts the first proposed syntax it supports, whatever our own order', () => {
    const [d] = negotiateContexts([{ id: 1, abstractSyntax: CT, transferSyntaxes: [JPEGXL, J2K, EXPLICIT] }], supported);
    expect(d.result).toBe(ContextResult.Acceptance);
    expect(d.acceptedTransferSyntax).toBe(J2K);
  });

  it('answers 3 for an abstract syntax it does not serve and 4 for unsupported syntaxes', () => {
    const ds = negotiateContexts(
      [
        { id: 1, abstractSyntax: MR, transferSyntaxes: [EXPLICIT] },
        { id: 3, abstractSyntax: CT, transferSyntaxes: [JPEGXL] },
      ],
      supported,
    );
    expect(ds.map((d) => d.result)).toEqual([ContextResult.AbstractSyntaxNotSupported, ContextResult.TransferSyntaxesNotSupported]);
    expect(ds[0].reason).toMatch(/MR Image Storage is not served/);
    expect(ds[1].acceptedTransferSyntax).toBeUndefined();
  });
});
