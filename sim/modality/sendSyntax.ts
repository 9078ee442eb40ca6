// The transfer syntax a scanner stores and sends its images in ("Send images as" on the scanner's network page).
// Scanners compress at the source to save network and disk; they use lossless syntaxes, because an irreversible
// step at acquisition would change what the radiologist reads and needs new SOP Instance UIDs (PS3.3
// C.7.6.1.1.5). The storage SCU proposes each file's own syntax (storeScu.ts), so an archive that does not accept
// it answers the presentation context with result 4 (PS3.8 9.3.3.2) and the image has nothing to travel on:
// that is the "transfer syntax not accepted" send failure students meet.
import { open, rename, readFile, writeFile } from 'node:fs/promises';
import { splitPart10 } from '../dicom/part10';
import { CODECS, transcode, type CodecSpec } from '../compression/transcode';

/** What a scanner may send: the uncompressed and the lossless syntaxes of the transcoder. */
export const SEND_SYNTAXES: readonly CodecSpec[] = CODECS.filter((c) => !c.lossy);

export function isSendSyntax(uid: string): boolean {
  return SEND_SYNTAXES.some((c) => c.transferSyntaxUid === uid);
}

export function sendSyntaxLabel(uid: string): string {
  return SEND_SYNTAXES.find((c) => c.transferSyntaxUid === uid)?.label ?? uid;
}

/** The transfer syntax a Part 10 file is stored in, from its first 8 KiB (the File Meta Information). */
export async function fileSyntax(path: string): Promise<string | undefined> {
  const f = await open(path, 'r');
  try {
    const buf = Buffer.alloc(8192);
    const { bytesRead } = await f.read(buf, 0, buf.length, 0);
    return splitPart10(buf.subarray(0, bytesRead)).transferSyntaxUid;
  } finally {
    await f.close();
  }
}

/**
 * Re-encodes the scanner's files in `transferSyntaxUid` where they are in another syntax (at acquisition, from the
 * generator's Explicit VR Little Endian; before a send, when the setting was changed since): each through a
 * temporary file and a rename, so a file is either the old encoding or the new one, never half of each. Lossless
 * both ways: the SOP Instance UIDs and the pixel values stay the same. Returns how many files were re-encoded.
 */
export async function encodeForSend(paths: readonly string[], transferSyntaxUid: string): Promise<number> {
  if (!isSendSyntax(transferSyntaxUid)) throw new Error(`${transferSyntaxUid} is not a syntax this scanner sends: choose one of ${SEND_SYNTAXES.map((c) => c.label).join(', ')}`);
  let next = 0;
  let changed = 0;
  // two at a time: the codecs are synchronous wasm, so more only queues work on the same core
  const worker = async () => {
    while (next < paths.length) {
      const path = paths[next++];
      const bytes = await readFile(path);
      if (splitPart10(bytes).transferSyntaxUid === transferSyntaxUid) continue;
      const r = await transcode(bytes, transferSyntaxUid);
      if (r.lossy) throw new Error(`re-encoding ${path} in ${sendSyntaxLabel(transferSyntaxUid)} would lose information: not done`);
      const tmp = `${path}.tmp`;
      await writeFile(tmp, r.bytes);
      await rename(tmp, path);
      changed++;
    }
  };
  await Promise.all([worker(), worker()]);
  return changed;
}
