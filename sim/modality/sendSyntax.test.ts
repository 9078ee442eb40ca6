// "Send images as": the scanner's files re-encoded losslessly in place: same SOP Instance UID, same sample values.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeImage, sampleValues } from '../compression/transcode';
import { splitPart10 } from '../dicom/part10';
import { writeStudy } from './generate';
import { encodeForSend, isSendSyntax, SEND_SYNTAXES } from './sendSyntax';

const dir = mkdtempSync(join(tmpdir(), 'pacslab-sendsyntax-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('encodeForSend', () => {
  it('offers only lossless syntaxes', () => {
    expect(SEND_SYNTAXES.every((c) => !c.lossy)).toBe(true);
    expect(isSendSyntax('1.2.840.10008.1.2.4.80')).toBe(true);
    expect(isSendSyntax('1.2.840.10008.1.2.4.91')).toBe(false);
  });

  it.each([
    ['JPEG-LS lossless', '1.2.840.10008.1.2.4.80'],
    ['RLE lossless', '1.2.840.10008.1.2.5'],
  ])('re-encodes in %s without changing a sample or the UIDs, leaving no temp file', async (_name, uid) => {
    const folder = join(dir, uid);
    const { files } = await writeStudy({ protocolId: 'ct-head', seed: 5, slices: 2, patient: { patientName: 'A^B', patientId: 'P1' } }, folder);
    const before = await Promise.all(files.map(async (f) => sampleValues(await decodeImage(readFileSync(f.path)))));
    expect(await encodeForSend(files.map((f) => f.path), uid)).toBe(files.length);
    // already in that syntax: nothing to do
    expect(await encodeForSend(files.map((f) => f.path), uid)).toBe(0);
    for (const [i, f] of files.entries()) {
      const bytes = readFileSync(f.path);
      expect(splitPart10(bytes).transferSyntaxUid).toBe(uid);
      expect(bytes.includes(Buffer.from(f.image.sopInstanceUid))).toBe(true);
      const after = sampleValues(await decodeImage(bytes));
      expect(Buffer.from(after.buffer).equals(Buffer.from(before[i].buffer))).toBe(true);
    }
    expect(readdirSync(folder).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    // and back to uncompressed (the setting changed before a send): the same samples again
    expect(await encodeForSend(files.map((f) => f.path), '1.2.840.10008.1.2.1')).toBe(files.length);
    for (const [i, f] of files.entries()) {
      expect(Buffer.from(sampleValues(await decodeImage(readFileSync(f.path))).buffer).equals(Buffer.from(before[i].buffer))).toBe(true);
    }
  });

  it('refuses a lossy syntax with the list of what it can send', async () => {
    await expect(encodeForSend([], '1.2.840.10008.1.2.4.50')).rejects.toThrow(/not a syntax this scanner sends: choose one of .*JPEG-LS lossless/);
  });
});
