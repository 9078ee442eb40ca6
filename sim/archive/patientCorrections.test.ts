// Wrong-patient corrections against the real listener, a real database and DCMTK: correcting the demographics
// rewrites every stored file (dcmdump shows the new name and the Original Attributes Sequence) and leaves the wrong
// patient's record gone; rejecting stores an IOCM rejection note that dcmdump (and dciodvfy) read with its CID 7011
// code, and removes the instances so C-FIND no longer finds them.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { find, store } from '../dimse/client';
import { generateStudy } from '../modality/generate';
import { startSandboxHarness, type SandboxHarness } from '../testing/sandboxHarness';
import { CorrectionError } from './corrections';
import { correctDemographics, KOS_SOP_CLASS, rejectInstances } from './patientCorrections';

let h: SandboxHarness;
beforeAll(async () => {
  h = await startSandboxHarness();
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const peer = (calledAe = 'PACS') => ({ host: '127.0.0.1', port: h.services.port, callingAe: 'CT1', calledAe, timeoutMs: 10_000 });
const opts = () => ({ archiveDir: h.archiveDir });

async function sendExam(patientId: string, patientName: string, seed: number) {
  const s = generateStudy({ protocolId: 'ct-chest', seed, slices: 3, patient: { patientName, patientId, patientBirthDate: '19910830', patientSex: 'F' }, study: { accessionNumber: `ACC${seed}` } });
  const dir = mkdtempSync(join(tmpdir(), 'pacslab-wp-'));
  try {
    const files = s.images.map((img, i) => {
      const f = join(dir, `${i}.dcm`);
      writeFileSync(f, img.bytes);
      return f;
    });
    const r = await store(peer(), files);
    expect(r.every((x) => x.category === 'success')).toBe(true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return s;
}

async function cFind(query: Record<string, string>, level: 'STUDY' | 'SERIES' | 'IMAGE' = 'STUDY') {
  const r = await find({ ...peer(), callingAe: 'VIEWER1' }, 'study', { QueryRetrieveLevel: level, ...query });
  expect(r.final.category).toBe('success');
  return r.matches;
}

const dump = (rel: string) => execFileSync('dcmdump', [join(h.archiveDir, ...rel.split('/'))], { encoding: 'utf8', maxBuffer: 64 << 20 });

describe('correctDemographics', () => {
  it('rewrites every file of the study with the new patient, keeps the old values, and removes the wrong patient', async () => {
    const s = await sendExam('WRONG1', 'WRONG^PATIENT', 301);
    const r = await correctDemographics(h.t.db, h.sandboxId, { studyUid: s.studyInstanceUid, patient: { patientId: 'RIGHT1', patientName: 'RIGHT^PATIENT', birthDate: '19580214', sex: 'F' }, reason: 'scanned from the wrong worklist entry', actorId: null }, opts());
    expect(r).toEqual({ studyInstanceUid: s.studyInstanceUid, instances: 3, removedPatientId: 'WRONG1' });
    const rows = await h.t.db.instance.findMany({ where: { sandboxId: h.sandboxId, series: { study: { studyInstanceUid: s.studyInstanceUid } } }, select: { filePath: true } });
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      const d = dump(row.filePath);
      expect(d).toMatch(/\(0010,0010\) PN \[RIGHT\^PATIENT\]/);
      expect(d).toMatch(/\(0010,0020\) LO \[RIGHT1\]/);
      expect(d).toMatch(/\(0010,0030\) DA \[19580214\]/);
      expect(d).toMatch(/\(0400,0561\) SQ/); // Original Attributes Sequence
      expect(d).toMatch(/\(0010,0010\) PN \[WRONG\^PATIENT\]/); // the old value, inside it
      expect(d).toMatch(/\(0400,0565\) CS \[CORRECT\]/);
    }
    expect(await h.t.db.patient.count({ where: { sandboxId: h.sandboxId, patientId: 'WRONG1' } })).toBe(0);
    expect(await cFind({ PatientID: 'WRONG1', StudyInstanceUID: '' })).toEqual([]);
    expect((await cFind({ PatientID: 'RIGHT1', StudyInstanceUID: '' })).map((m) => m.StudyInstanceUID)).toEqual([s.studyInstanceUid]);
    const ev = await h.t.db.auditEvent.findFirstOrThrow({ where: { action: 'patient.correct', target: `study:${s.studyInstanceUid}` } });
    expect(ev.reason).toBe('scanned from the wrong worklist entry');
    expect(ev.detail).toMatchObject({ safetyEvent: 'wrong-patient', from: 'WRONG^PATIENT (WRONG1)', to: 'RIGHT^PATIENT (RIGHT1)' });
  }, 60_000);

  it('refuses an ID that belongs to someone else, a missing reason, and a study that does not exist, changing nothing', async () => {
    const a = await sendExam('OTHER1', 'OTHER^PERSON', 302);
    const b = await sendExam('WRONG2', 'WRONG^TWO', 303);
    const attempt = (o: object) => correctDemographics(h.t.db, h.sandboxId, { studyUid: b.studyInstanceUid, patient: { patientId: 'OTHER1', patientName: 'SOMEONE^ELSE', birthDate: '', sex: '' }, reason: 'fix', actorId: null, ...o }, opts());
    await expect(attempt({})).rejects.toThrow(/Patient ID OTHER1 belongs to OTHER\^PERSON/);
    await expect(attempt({ reason: '' })).rejects.toThrow(/at least 3 characters/);
    await expect(attempt({ studyUid: '1.2.3.4' })).rejects.toBeInstanceOf(CorrectionError);
    await expect(attempt({ patient: { patientId: 'X', patientName: 'A^B', birthDate: '1991-08-30', sex: '' } })).rejects.toThrow(/YYYYMMDD/);
    const rows = await h.t.db.instance.findMany({ where: { series: { study: { studyInstanceUid: b.studyInstanceUid } } }, select: { filePath: true } });
    for (const row of rows) expect(dump(row.filePath)).not.toMatch(/\(0400,0561\)/);
    // an existing patient by ID: the study joins their record
    await correctDemographics(h.t.db, h.sandboxId, { studyUid: b.studyInstanceUid, patient: { patientId: 'OTHER1', patientName: 'OTHER^PERSON', birthDate: '', sex: '' }, reason: 'belongs to the other patient', actorId: null }, opts());
    expect((await cFind({ PatientID: 'OTHER1', StudyInstanceUID: '' })).map((m) => m.StudyInstanceUID).sort()).toEqual([a.studyInstanceUid, b.studyInstanceUid].sort());
  }, 60_000);
});

describe('rejectInstances', () => {
  it('stores a KOS rejection note with the CID 7011 code and removes the rejected series from queries', async () => {
    const s = await sendExam('REJ1', 'REJECT^ME', 304);
    const sops = s.images.map((i) => i.sopInstanceUid);
    const seriesUid = s.images[0].seriesInstanceUid;
    expect(await cFind({ StudyInstanceUID: s.studyInstanceUid, SeriesInstanceUID: seriesUid, SOPInstanceUID: '' }, 'IMAGE')).toHaveLength(3);
    const r = await rejectInstances(h.t.db, h.sandboxId, { studyUid: s.studyInstanceUid, code: '113038', reason: 'incorrect worklist entry picked at CT1', actorId: null }, opts());
    expect(r).toMatchObject({ studyInstanceUid: s.studyInstanceUid, rejected: 3, code: '113038' });
    // the archive no longer returns them (IOCM); the note is there in their place
    expect(await cFind({ StudyInstanceUID: s.studyInstanceUid, SeriesInstanceUID: seriesUid, SOPInstanceUID: '' }, 'IMAGE')).toEqual([]);
    const series = await cFind({ StudyInstanceUID: s.studyInstanceUid, SeriesInstanceUID: '', Modality: '' }, 'SERIES');
    expect(series.map((m) => m.Modality)).toEqual(['KO']);
    const left = await cFind({ StudyInstanceUID: s.studyInstanceUid, SeriesInstanceUID: String(series[0].SeriesInstanceUID), SOPInstanceUID: '', SOPClassUID: '' }, 'IMAGE');
    expect(left.map((m) => m.SOPInstanceUID)).toEqual([r.noteSopInstanceUid]);
    expect(left[0].SOPClassUID).toBe(KOS_SOP_CLASS);
    expect(await h.t.db.instance.count({ where: { sopInstanceUid: { in: sops } } })).toBe(0);
    const note = await h.t.db.instance.findFirstOrThrow({ where: { sopInstanceUid: r.noteSopInstanceUid } });
    const d = dump(note.filePath);
    expect(d).toMatch(/\(0008,0016\) UI =KeyObjectSelectionDocumentStorage/);
    expect(d).toMatch(/\(0008,0100\) SH \[113038\]/);
    expect(d).toMatch(/\(0008,0104\) LO \[Incorrect Modality Worklist Entry\]/);
    expect(d).toMatch(/\(0040,a375\) SQ/); // Current Requested Procedure Evidence Sequence
    for (const sop of sops) expect(d).toContain(sop);
    // dicom3tools validates it against the KOS IOD: no errors
    const v = spawnSync('dciodvfy', [join(h.archiveDir, ...note.filePath.split('/'))], { encoding: 'utf8' });
    expect(v.stderr.split('\n').filter((l) => /^Error/.test(l))).toEqual([]);
    const ev = await h.t.db.auditEvent.findFirstOrThrow({ where: { action: 'instances.reject', target: `study:${s.studyInstanceUid}` } });
    expect(ev.detail).toMatchObject({ code: '113038' });
    expect([...(ev.detail as { sopInstanceUids: string[] }).sopInstanceUids].sort()).toEqual([...sops].sort());
    // nothing left to reject but the note
    await expect(rejectInstances(h.t.db, h.sandboxId, { studyUid: s.studyInstanceUid, code: '113001', reason: 'again', actorId: null }, opts())).rejects.toThrow(/no images left/);
    await expect(rejectInstances(h.t.db, h.sandboxId, { studyUid: s.studyInstanceUid, code: '999999' as '113001', reason: 'bad code', actorId: null }, opts())).rejects.toThrow(/CID 7011/);
  }, 60_000);
});
