// What the viewer reads from the archive's DICOMweb (PS3.18): studies, series and instances by QIDO-RS, images as
// Part 10 files by WADO-RS (Cornerstone's wadouri scheme), the header of one image as WADO-RS metadata.
import type { DicomJson } from './tags';
import { first } from './tags';

export interface InstanceRef {
  sop: string;
  number: number;
  frames: number;
}

export interface SeriesInfo {
  uid: string;
  studyUid: string;
  number: number;
  modality: string;
  description: string;
  instances: InstanceRef[];
}

export interface StudyInfo {
  uid: string;
  patientName: string;
  patientId: string;
  accession: string;
  date: string;
  description: string;
  modalities: string;
}

export interface ImageRef {
  study: string;
  series: string;
  sop: string;
  frame?: number;
}

async function qido(base: string, path: string): Promise<DicomJson[]> {
  const r = await fetch(`${base}/${path}`, { headers: { accept: 'application/dicom+json' } });
  if (r.status === 204) return [];
  if (!r.ok) {
    const body = (await r.json().catch(() => null)) as { error?: string; message?: string } | null;
    throw new Error(body?.message ?? body?.error ?? `The archive answered ${r.status} to ${path}.`);
  }
  return (await r.json()) as DicomJson[];
}

function toStudy(s: DicomJson): StudyInfo {
  const mods = s['00080061']?.Value ?? [];
  return {
    uid: first(s, '0020000D'),
    patientName: first(s, '00100010'),
    patientId: first(s, '00100020'),
    accession: first(s, '00080050'),
    date: first(s, '00080020'),
    description: first(s, '00081030'),
    modalities: mods.join('/'),
  };
}

export async function findStudy(base: string, uid: string): Promise<StudyInfo | undefined> {
  const [s] = await qido(base, `studies?StudyInstanceUID=${encodeURIComponent(uid)}&includefield=00081030`);
  return s ? toStudy(s) : undefined;
}

/** Other studies of the same patient, most recent first: the priors to compare with. */
export async function findPriors(base: string, study: StudyInfo): Promise<StudyInfo[]> {
  if (!study.patientId) return [];
  const all = await qido(base, `studies?PatientID=${encodeURIComponent(study.patientId)}&includefield=00081030&limit=50`);
  return all.map(toStudy).filter((s) => s.uid !== study.uid).sort((a, b) => (a.date < b.date ? 1 : -1));
}

/** The series of a study with their instances in Instance Number order. */
export async function loadSeries(base: string, studyUid: string): Promise<SeriesInfo[]> {
  const [series, instances] = await Promise.all([
    qido(base, `studies/${studyUid}/series?includefield=0008103E`),
    qido(base, `studies/${studyUid}/instances?includefield=00280008&includefield=00200013&limit=100000`),
  ]);
  const bySeries = new Map<string, InstanceRef[]>();
  for (const i of instances) {
    const s = first(i, '0020000E');
    const list = bySeries.get(s) ?? [];
    list.push({ sop: first(i, '00080018'), number: Number(first(i, '00200013')) || 0, frames: Number(first(i, '00280008')) || 1 });
    bySeries.set(s, list);
  }
  return series
    .map((s) => ({
      uid: first(s, '0020000E'),
      studyUid,
      number: Number(first(s, '00200011')) || 0,
      modality: first(s, '00080060'),
      description: first(s, '0008103E'),
      instances: (bySeries.get(first(s, '0020000E')) ?? []).sort((a, b) => a.number - b.number),
    }))
    .filter((s) => s.instances.length > 0)
    .sort((a, b) => a.number - b.number);
}

export function instancePath(base: string, r: ImageRef): string {
  return `${base}/studies/${r.study}/series/${r.series}/instances/${r.sop}`;
}

/** One image id per frame: `wadouri:{instance URL}[?frame=n]` (multi-frame images give one per frame). */
export function imageIdsOf(base: string, s: SeriesInfo): { ids: string[]; refs: Map<string, ImageRef> } {
  const ids: string[] = [];
  const refs = new Map<string, ImageRef>();
  for (const i of s.instances) {
    const url = instancePath(base, { study: s.studyUid, series: s.uid, sop: i.sop });
    if (i.frames > 1) {
      for (let f = 0; f < i.frames; f++) {
        const id = `wadouri:${url}?frame=${f + 1}`;
        ids.push(id);
        refs.set(id, { study: s.studyUid, series: s.uid, sop: i.sop, frame: f + 1 });
      }
    } else {
      const id = `wadouri:${url}`;
      ids.push(id);
      refs.set(id, { study: s.studyUid, series: s.uid, sop: i.sop });
    }
  }
  return { ids, refs };
}

export async function loadMetadata(base: string, r: ImageRef): Promise<DicomJson> {
  const res = await fetch(`${instancePath(base, r)}/metadata`, { headers: { accept: 'application/dicom+json' } });
  if (!res.ok) throw new Error(`The archive answered ${res.status} for the header of ${r.sop}.`);
  const [ds] = (await res.json()) as DicomJson[];
  return ds;
}

/** Every instance is asked for as it is stored: the archive sends its files byte for byte (PS3.18 8.7.3.5.2). */
export const PART10_ACCEPT = 'application/dicom; transfer-syntax=*';

/** The first image the viewer will show, as the page's server found it: fetched while the viewer's code downloads. */
export interface FirstInstance {
  study: string;
  series: string;
  sop: string;
}

/** A prefetched instance: the image id the viewer will ask for, and its Part 10 bytes (null when the fetch failed). */
export interface Prefetched {
  imageId: string;
  bytes: Promise<ArrayBuffer | null>;
}

/** Starts fetching one instance as Cornerstone's wadouri loader would (same URL, same Accept). */
export function prefetchInstance(base: string, first: FirstInstance): Prefetched {
  const url = instancePath(base, first);
  const bytes = fetch(url, { headers: { accept: PART10_ACCEPT } })
    .then((r) => (r.ok ? r.arrayBuffer() : null))
    .catch(() => null);
  return { imageId: `wadouri:${url}`, bytes };
}

export interface OpenedStudy {
  study: StudyInfo;
  series: SeriesInfo[];
}

/** The study and its series, both QIDO-RS searches at once (404-like: an Error saying there is no such study). */
export async function openStudy(base: string, uid: string, ae: string): Promise<OpenedStudy> {
  const [study, series] = await Promise.all([findStudy(base, uid), loadSeries(base, uid)]);
  if (!study) throw new Error(`There is no study ${uid} in the archive ${ae}.`);
  return { study, series };
}
