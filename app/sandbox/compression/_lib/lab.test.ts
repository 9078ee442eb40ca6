// Every syntax the transcoder writes is displayable by the archive's renderer (the viewer and WADO-RS rendered
// use the same pixels.ts), and the lab's policy note says what the site allows.
import { describe, expect, it } from 'vitest';
import { readWhole } from '@/app/dicomweb/_lib/pixels';
import { renderPng } from '@/app/dicomweb/_lib/render';
import { syntheticImage } from '@/sim/compression/syntheticImage';
import { CODECS, transcode, TranscodeError } from '@/sim/compression/transcode';
import { lossyPolicy } from './lab';

describe('the renderer displays every output', () => {
  for (const [name, file] of [
    ['12-bit signed grey', syntheticImage({ bitsStored: 12, signed: true })],
    ['8-bit RGB, 2 frames', syntheticImage({ bitsAllocated: 8, samplesPerPixel: 3, frames: 2 })],
  ] as const) {
    it(name, async () => {
      const reference = await renderPng(readWhole(file), 1, {});
      for (const c of CODECS) {
        let out;
        try {
          out = await transcode(file, c.id);
        } catch (e) {
          if (e instanceof TranscodeError && e.kind === 'bit-depth') continue;
          throw e;
        }
        const png = await renderPng(readWhole(out.bytes), 1, {});
        expect(png.subarray(1, 4).toString('latin1'), c.id).toBe('PNG');
        if (!c.lossy) expect(png.equals(reference), `${c.id}: lossless renders identically`).toBe(true);
      }
    });
  }
});

describe('site policy note', () => {
  it('no lossy before primary reading, never for mammography', () => {
    expect(lossyPolicy({ status: 'received' }, ['CT']).allowed).toBe(false);
    expect(lossyPolicy({ status: 'verified' }, ['CT']).why).toMatch(/pending primary reading/);
    expect(lossyPolicy({ status: 'read' }, ['CT']).allowed).toBe(true);
    expect(lossyPolicy({ status: 'read' }, ['MG']).allowed).toBe(false);
  });
});
