// MLLP framing (HL7 v2 Appendix C): split frames, several frames in one chunk, noise between frames, the size cap.
import { describe, expect, it } from 'vitest';
import { encodeMllpFrame, MllpDecoder, MllpFrameTooLarge } from './mllp';

const frame = (s: string) => encodeMllpFrame(s);
const texts = (bufs: Buffer[]) => bufs.map((b) => b.toString('utf8'));

describe('MllpDecoder', () => {
  it('decodes one frame, and a frame fed one byte at a time', () => {
    expect(texts(new MllpDecoder().push(frame('MSH|a\r')))).toEqual(['MSH|a\r']);
    const d = new MllpDecoder();
    const out: Buffer[] = [];
    for (const b of frame('MSH|é\rPID|1\r')) out.push(...d.push(Buffer.from([b])));
    expect(texts(out)).toEqual(['MSH|é\rPID|1\r']);
  });

  it('splits back-to-back frames and skips bytes between them', () => {
    const d = new MllpDecoder();
    const chunk = Buffer.concat([Buffer.from('noise\r\n'), frame('one'), Buffer.from('\n'), frame('two'), frame('thr')]);
    expect(texts(d.push(chunk.subarray(0, 20)).concat(d.push(chunk.subarray(20))))).toEqual(['one', 'two', 'thr']);
    expect(d.skippedBytes).toBe(8);
  });

  it('ends a frame whose FS and CR arrive in different chunks, and keeps an FS without CR as content', () => {
    const d = new MllpDecoder();
    expect(d.push(Buffer.from([0x0b, 0x41, 0x1c]))).toEqual([]);
    expect(texts(d.push(Buffer.from([0x0d])))).toEqual(['A']);
    expect(texts(d.push(Buffer.from([0x0b, 0x41, 0x1c, 0x42, 0x1c, 0x0d])))).toEqual(['A\x1cB']);
  });

  it('starts over at a new start block inside an unfinished frame', () => {
    const d = new MllpDecoder();
    expect(texts(d.push(Buffer.concat([Buffer.from([0x0b]), Buffer.from('cut off'), frame('whole')])))).toEqual(['whole']);
  });

  it('refuses a frame over the cap', () => {
    const d = new MllpDecoder(100);
    d.push(Buffer.concat([Buffer.from([0x0b]), Buffer.alloc(60, 0x41)]));
    expect(() => d.push(Buffer.alloc(60, 0x41))).toThrow(MllpFrameTooLarge);
    expect(d.midFrame).toBe(false);
  });
});
