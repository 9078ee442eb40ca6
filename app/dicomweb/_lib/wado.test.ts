import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import codecs from 'dcmjs-codecs';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitPart10 } from '@/sim/dicom/part10';
import type { DicomWebContext } from './dicomWebService';
import type { DicomJson } from './dicomJson';
import { DicomWebError } from './dicomWebError';
import { nativeFrame, readWhole } from './pixels';
import { get, parts, sample, startHarness, stow, value, type Harness } from './testing';

let h: Harness;
let rle: DicomWebContext;
let jls: DicomWebContext;
let native2: DicomWebContext;
let nativeMultiFrame: Buffer;

interface Uids {
  study: string;
  series: string;
  sop: string;
}
const uids = new Map<string, Uids>();

function uidsOf(file: Buffer): Uids {
  const r = readWhole(file);
  const v = (t: string) => String(r.dict[t].Value![0]);
  return { study: v('0020000D'), series: v('0020000E'), sop: v('00080018') };
}

function path(name: string, suffix = ''): string {
  const u = uids.get(name)!;
  return `studies/${u.study}/series/${u.series}/instances/${u.sop}${suffix}`;
}

/** The file the archive holds for an instance. */
async function storedBytes(ctx: DicomWebContext, sop: string): Promise<Buffer> {
  const row = await ctx.db.instance.findFirstOrThrow({ where: { sandboxId: ctx.sandboxId, sopInstanceUid: sop } });
  return readFileSync(join(h.archiveDir, ...row.filePath.split('/')));
}

const dataset = (file: Buffer) => file.subarray(splitPart10(file).datasetOffset);

beforeAll(async () => {
  h = await startHarness();
  const main = ['CT_small.dcm', 'MR_small.dcm', 'JPEG2000.dcm', 'SC_rgb_jpeg_dcmtk.dcm', 'SC_rgb_rle_2frame.dcm', 'JPGExtended.dcm'];
  for (const n of [...main, 'MR_small_RLE.dcm', 'MR_small_jpeg_ls_lossless.dcm']) uids.set(n, uidsOf(sample(n)));
  const r = await stow(h.ctx, main.map(sample));
  expect(r.status, await r.clone().text()).toBe(200);
  // the MR variants share one SOP Instance UID: each goes to a sandbox of its own
  rle = await h.sandbox('rle');
  expect((await stow(rle, [sample('MR_small_RLE.dcm')])).status).toBe(200);
  jls = await h.sandbox('jls');
  expect((await stow(jls, [sample('MR_small_jpeg_ls_lossless.dcm')])).status).toBe(200);
  // a native multi-frame RGB image: the RLE one decoded by dcmjs-codecs
  await codecs.NativeCodecs.initializeAsync({ webAssemblyModulePathOrUrl: join(process.cwd(), 'node_modules/dcmjs-codecs/build/dcmjs-native-codecs.wasm') });
  const src = sample('SC_rgb_rle_2frame.dcm');
  const tc = new codecs.Transcoder(src.buffer.slice(src.byteOffset, src.byteOffset + src.length) as ArrayBuffer);
  tc.transcode('1.2.840.10008.1.2.1');
  nativeMultiFrame = Buffer.from(tc.getDicomPart10());
  native2 = await h.sandbox('native');
  expect((await stow(native2, [nativeMultiFrame])).status).toBe(200);
});

afterAll(async () => {
  await h?.close();
});

describe('WADO-RS retrieve', () => {
  it('sends the stored file byte for byte as multipart/related; type="application/dicom"', async () => {
    const u = uids.get('CT_small.dcm')!;
    const res = await get(h.ctx, path('CT_small.dcm'), 'multipart/related; type="application/dicom"; transfer-syntax=*');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^multipart\/related; type="application\/dicom"; boundary=/);
    const [p] = await parts(res);
    expect(p.headers['content-type']).toBe('application/dicom; transfer-syntax=1.2.840.10008.1.2.1');
    const stored = await storedBytes(h.ctx, u.sop);
    expect(Buffer.compare(p.body, stored)).toBe(0);
    // and the data set in it is the one that was sent, untouched (private tags and all)
    expect(Buffer.compare(dataset(p.body), dataset(sample('CT_small.dcm')))).toBe(0);
  });

  it('sends a study and a series with every instance', async () => {
    const u = uids.get('JPEG2000.dcm')!;
    // JPGExtended.dcm is another image of the same study
    const study = (await parts(await get(h.ctx, `studies/${u.study}`))).sort((a) => (a.headers['content-type'].endsWith('.91') ? -1 : 1));
    expect(study).toHaveLength(2);
    expect(study[0].headers['content-type']).toBe('application/dicom; transfer-syntax=1.2.840.10008.1.2.4.91');
    expect(Buffer.compare(dataset(study[0].body), dataset(sample('JPEG2000.dcm')))).toBe(0);
    const series = await parts(await get(h.ctx, `studies/${u.study}/series/${u.series}`, '*/*'));
    expect(series).toHaveLength(2);
  });

  it('honours the stored syntax named in Accept and answers 406 when only a transcode would do', async () => {
    const ok = await get(h.ctx, path('JPEG2000.dcm'), 'multipart/related; type="application/dicom"; transfer-syntax=1.2.840.10008.1.2.4.91');
    expect(ok.status).toBe(200);
    const refused = await get(h.ctx, path('JPEG2000.dcm'), 'multipart/related; type="application/dicom"; transfer-syntax=1.2.840.10008.1.2.1');
    expect(refused.status).toBe(406);
    expect((await refused.json()).error).toMatch(/JPEG 2000.*without transcoding/);
    // no syntax named means Explicit VR Little Endian: fine for a native file, not for a compressed one
    expect((await get(h.ctx, path('CT_small.dcm'), 'multipart/related; type="application/dicom"')).status).toBe(200);
    expect((await get(h.ctx, path('JPEG2000.dcm'), 'multipart/related; type="application/dicom"')).status).toBe(406);
    expect((await get(h.ctx, path('CT_small.dcm'), 'image/gif')).status).toBe(406);
  });

  it('answers 404 for what is not there and 400 for a bad UID', async () => {
    expect((await get(h.ctx, 'studies/1.2.3.4')).status).toBe(404);
    expect((await get(h.ctx, 'studies/1.02.3')).status).toBe(400);
    expect((await get(h.ctx, 'studies/1.2/nonsense')).status).toBe(404);
  });
});

describe('WADO-RS metadata', () => {
  it('returns the whole header as DICOM JSON with bulk data by reference', async () => {
    const res = await get(h.ctx, path('CT_small.dcm', '/metadata'), 'application/dicom+json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/dicom+json');
    const [ds] = (await res.json()) as DicomJson[];
    expect(ds['00100010']).toEqual({ vr: 'PN', Value: [{ Alphabetic: 'CompressedSamples^CT1' }] });
    expect(ds['00080016']).toEqual({ vr: 'UI', Value: ['1.2.840.10008.5.1.4.1.1.2'] });
    expect(ds['00280010']).toEqual({ vr: 'US', Value: [128] });
    expect(ds['00280030']).toEqual({ vr: 'DS', Value: [0.661468, 0.661468] });
    expect(ds['00200013']).toEqual({ vr: 'IS', Value: [1] });
    expect(ds['00083002']).toEqual({ vr: 'UI', Value: ['1.2.840.10008.1.2.1'] });
    expect(ds['7FE00010'].BulkDataURI).toBe(`http://dicomweb.test/dicomweb/PACS/${path('CT_small.dcm')}/bulkdata/7FE00010`);
    expect(ds['7FE00010'].Value).toBeUndefined();
    // private OB elements become bulk data references, sequences nest
    expect(ds['00431029'].BulkDataURI).toMatch(/\/bulkdata\/00431029$/);
    expect((ds['00101002'].Value as DicomJson[])[0]['00100020']).toEqual({ vr: 'LO', Value: ['ABCD1234'] });
    expect(Object.keys(ds).every((k) => /^[0-9A-F]{8}$/.test(k))).toBe(true);
    expect(JSON.stringify(ds)).not.toMatch(/_rawValue/);
    // bulk data comes back by that URI
    const bulk = await parts(await get(h.ctx, path('CT_small.dcm', '/bulkdata/00431029')));
    expect(bulk[0].body.length).toBe(2068);
  });

  it('returns series and study metadata, one data set per instance', async () => {
    const u = uids.get('MR_small.dcm')!;
    const series = (await (await get(h.ctx, `studies/${u.study}/series/${u.series}/metadata`)).json()) as DicomJson[];
    expect(series.map((d) => value(d, '00080018'))).toEqual([u.sop]);
    const study = (await (await get(h.ctx, `studies/${u.study}/metadata`)).json()) as DicomJson[];
    expect(study).toHaveLength(1);
    expect((await get(h.ctx, `studies/${u.study}/metadata`, 'application/dicom+xml')).status).toBe(406);
  });
});

describe('WADO-RS frames', () => {
  const OCTET_ANY = 'multipart/related; type="application/octet-stream"; transfer-syntax=*';

  it('sends a native frame as uncompressed little endian bytes', async () => {
    const res = await get(h.ctx, path('CT_small.dcm', '/frames/1'), OCTET_ANY);
    expect(res.status).toBe(200);
    const [p] = await parts(res);
    expect(p.headers['content-type']).toBe('application/octet-stream; transfer-syntax=1.2.840.10008.1.2.1');
    expect(p.body.length).toBe(128 * 128 * 2);
    // the same bytes as the file's pixel data
    const px = Buffer.from(readWhole(sample('CT_small.dcm')).dict['7FE00010'].Value![0] as ArrayBuffer);
    expect(Buffer.compare(p.body, px)).toBe(0);
    // Cornerstone's default Accept, and no Accept at all
    expect((await get(h.ctx, path('CT_small.dcm', '/frames/1'), 'multipart/related; type=application/octet-stream; transfer-syntax=*')).status).toBe(200);
    expect((await get(h.ctx, path('CT_small.dcm', '/frames/1'))).status).toBe(200);
  });

  it('sends frames of a native multi-frame image in the order asked', async () => {
    const u = uidsOf(nativeMultiFrame);
    const res = await get(native2, `studies/${u.study}/series/${u.series}/instances/${u.sop}/frames/2,1`, OCTET_ANY);
    const ps = await parts(res);
    expect(ps).toHaveLength(2);
    const all = Buffer.from(readWhole(nativeMultiFrame).dict['7FE00010'].Value![0] as ArrayBuffer);
    const len = 100 * 100 * 3;
    expect(Buffer.compare(ps[0].body, all.subarray(len, 2 * len))).toBe(0);
    expect(Buffer.compare(ps[1].body, all.subarray(0, len))).toBe(0);
    expect((await get(native2, `studies/${u.study}/series/${u.series}/instances/${u.sop}/frames/3`, OCTET_ANY)).status).toBe(404);
    expect((await get(native2, `studies/${u.study}/series/${u.series}/instances/${u.sop}/frames/0`, OCTET_ANY)).status).toBe(400);
  });

  it.each([
    ['JPEG2000.dcm', 'h', 'image/jp2', '1.2.840.10008.1.2.4.91', [0xff, 0x4f]],
    ['SC_rgb_jpeg_dcmtk.dcm', 'h', 'image/jpeg', '1.2.840.10008.1.2.4.50', [0xff, 0xd8]],
    ['MR_small_jpeg_ls_lossless.dcm', 'jls', 'image/jls', '1.2.840.10008.1.2.4.80', [0xff, 0xd8]],
    ['MR_small_RLE.dcm', 'rle', 'image/dicom-rle', '1.2.840.10008.1.2.5', []],
  ])('sends the compressed bitstream of an encapsulated frame (%s) with its media type', async (name, where, type, ts, magic) => {
    const ctx = where === 'h' ? h.ctx : where === 'jls' ? jls : rle;
    const [p] = await parts(await get(ctx, path(name, '/frames/1'), OCTET_ANY));
    expect(p.headers['content-type']).toBe(`${type}; transfer-syntax=${ts}`);
    const frame = Buffer.from(readWhole(sample(name)).dict['7FE00010'].Value![0] as ArrayBuffer);
    expect(Buffer.compare(p.body, frame)).toBe(0);
    expect([...p.body.subarray(0, magic.length)]).toEqual(magic);
    // asking for the media type itself works too
    expect((await get(ctx, path(name, '/frames/1'), `multipart/related; type="${type}"`)).status).toBe(200);
  });

  it('decodes a compressed frame when only uncompressed pixels are accepted', async () => {
    const res = await get(rle, path('MR_small_RLE.dcm', '/frames/1'), 'multipart/related; type="application/octet-stream"');
    const [p] = await parts(res);
    expect(p.headers['content-type']).toBe('application/octet-stream; transfer-syntax=1.2.840.10008.1.2.1');
    const px = Buffer.from(readWhole(sample('MR_small.dcm')).dict['7FE00010'].Value![0] as ArrayBuffer);
    expect(Buffer.compare(p.body, px)).toBe(0); // RLE is lossless: the very pixels of MR_small.dcm
  });

  it('sends every frame of an encapsulated multi-frame image', async () => {
    const ps = await parts(await get(h.ctx, path('SC_rgb_rle_2frame.dcm', '/frames/1,2'), OCTET_ANY));
    expect(ps).toHaveLength(2);
    expect(ps.every((p) => p.headers['content-type'] === 'image/dicom-rle; transfer-syntax=1.2.840.10008.1.2.5')).toBe(true);
  });

  it('answers 406 for a media type that does not match the stored syntax', async () => {
    const res = await get(h.ctx, path('JPEG2000.dcm', '/frames/1'), 'multipart/related; type="image/jls"');
    expect(res.status).toBe(406);
    expect((await res.json()).error).toMatch(/JPEG 2000/);
  });
});

describe('WADO-RS rendered and thumbnail', () => {
  function decodePng(buf: Buffer) {
    const png = PNG.sync.read(buf);
    let min = 255;
    let max = 0;
    for (let i = 0; i < png.data.length; i += 4) {
      min = Math.min(min, png.data[i]);
      max = Math.max(max, png.data[i]);
    }
    return { width: png.width, height: png.height, min, max, data: png.data };
  }

  it.each([
    ['CT_small.dcm', h => h.ctx, 128, 128],
    ['MR_small.dcm', h => h.ctx, 64, 64],
    ['JPEG2000.dcm', h => h.ctx, 256, 1024],
    ['SC_rgb_jpeg_dcmtk.dcm', h => h.ctx, 100, 100],
    ['SC_rgb_rle_2frame.dcm', h => h.ctx, 100, 100],
    ['JPGExtended.dcm', h => h.ctx, 256, 1024],
    ['MR_small_RLE.dcm', () => rle, 64, 64],
    ['MR_small_jpeg_ls_lossless.dcm', () => jls, 64, 64],
  ] as [string, (h: Harness) => DicomWebContext, number, number][])('renders %s as a PNG of its size that is not blank', async (name, ctxOf, w, hgt) => {
    const res = await get(ctxOf(h), path(name, '/rendered'), 'image/png');
    expect(res.status, await res.clone().text()).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    const png = decodePng(Buffer.from(await res.arrayBuffer()));
    expect([png.width, png.height]).toEqual([w, hgt]);
    expect(png.max - png.min).toBeGreaterThan(50);
  });

  it('applies window and viewport, and inverts nothing it should not', async () => {
    const narrow = decodePng(Buffer.from(await (await get(h.ctx, path('CT_small.dcm', '/rendered?window=0,1'))).arrayBuffer()));
    const wide = decodePng(Buffer.from(await (await get(h.ctx, path('CT_small.dcm', '/rendered?window=0,100000'))).arrayBuffer()));
    const greys = (d: Buffer) => new Set(d.filter((_, i) => i % 4 === 0));
    // a 1-wide window is a threshold: black and white only; a huge one flattens everything to mid grey
    expect([...greys(narrow.data)].every((g) => g === 0 || g === 255)).toBe(true);
    expect([...greys(wide.data)].every((g) => g > 110 && g < 145)).toBe(true);
    const small = decodePng(Buffer.from(await (await get(h.ctx, path('JPEG2000.dcm', '/rendered?viewport=64,64'))).arrayBuffer()));
    expect([small.width, small.height]).toEqual([16, 64]);
    expect((await get(h.ctx, path('CT_small.dcm', '/rendered?window=abc'))).status).toBe(400);
    expect((await get(h.ctx, path('CT_small.dcm', '/rendered?viewport=0,10'))).status).toBe(400);
  });

  it('renders a chosen frame, and thumbnails of an instance, a series and a study', async () => {
    const f2 = await get(h.ctx, path('SC_rgb_rle_2frame.dcm', '/frames/2/rendered'));
    expect(f2.status).toBe(200);
    const thumb = decodePng(Buffer.from(await (await get(h.ctx, path('CT_small.dcm', '/thumbnail'))).arrayBuffer()));
    expect(Math.max(thumb.width, thumb.height)).toBeLessThanOrEqual(128);
    const u = uids.get('JPEG2000.dcm')!;
    for (const p of [`studies/${u.study}/thumbnail`, `studies/${u.study}/series/${u.series}/thumbnail`]) {
      const t = decodePng(Buffer.from(await (await get(h.ctx, p)).arrayBuffer()));
      expect([t.width, t.height]).toEqual([32, 128]);
    }
  });

  it('answers 406 when only JPEG is accepted, or the syntax cannot be decoded', async () => {
    const res = await get(h.ctx, path('CT_small.dcm', '/rendered'), 'image/jpeg');
    expect(res.status).toBe(406);
    expect((await res.json()).error).toMatch(/image\/png/);
    const r = readWhole(sample('JPEG2000.dcm'));
    await expect(nativeFrame({ ...r, transferSyntaxUid: '1.2.840.10008.1.2.4.100' }, 1)).rejects.toThrow(DicomWebError);
    await expect(nativeFrame({ ...r, transferSyntaxUid: '1.2.840.10008.1.2.4.100' }, 1)).rejects.toThrow(/cannot decode/);
  });
});
