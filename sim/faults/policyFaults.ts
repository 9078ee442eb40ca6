// Fault 14 of issue 8: lossy compression against the site's policy. The archive's storage-tier settings were changed
// to allow lossy compression for any study, with JPEG 2000 lossy as the long-term codec and no short-term period,
// so the tier migration compressed a study as soon as it arrived — while it still awaits primary reading. The
// symptom is the viewer's lossy banner (Lossy Image Compression (0028,2110) "01", PS3.3 C.7.6.1.1.5) on a study in
// the reading worklist. The lossy copies replaced the originals under new SOP Instance UIDs, so the archive cannot
// undo it: the fix is to set the policy back (lossy never before reading) AND get the originals back from the
// scanner, which still has them (a new send of the same acquisition: the originals keep their own SOP Instance
// UIDs, so the archive stores them beside the lossy copies, which have other UIDs), then "Restore to short-term"
// on the study, which removes each lossy copy whose original is back. Decided: a lossy copy of an unread study is
// removed, not merely flagged — two objects for one image on a reading worklist invite reading the wrong one.
import { z } from 'zod';
import type { Db } from '../../prisma/db';
import { archiveDirFromEnv } from '../archive/archiveFiles';
import { getTierSettings, LONG_TERM_CODECS, LOSSY_POLICIES, LOSSY_POLICY_LABELS, migrateByAge, setTierSettings, SHORT_TERM_DAYS } from '../archive/tiers';
import { examChecks, examParams, examRef, examUndo, scanFromWorklist, sendExam } from './exam';
import { defineFault, FaultError, type CheckResult } from './types';

const SYSTEM = { actorId: null, reason: 'fault injection' };

const settingsUndo = z.object({
  shortTermDays: z.number().int(),
  longTermCodec: z.enum(LONG_TERM_CODECS),
  longTermRatio: z.number().int(),
  lossyPolicy: z.enum(LOSSY_POLICIES),
});

export const lossyBeforeRead = defineFault({
  id: 'lossy-before-read',
  title: 'Lossy compression before primary reading',
  symptom: 'The radiologist opens a CT that is still waiting to be read and the viewer shows a "Lossy compressed" banner: the images the archive holds are irreversibly compressed, although nobody has reported the study yet.',
  rootCause: "The archive's storage-tier policy was changed to allow lossy compression for any study, with JPEG 2000 lossy (10:1) as the long-term codec and a short-term period of 0 days, so the tier migration compressed the study on receipt. The lossy copies replaced the originals under new SOP Instance UIDs (PS3.3 C.7.6.1.1.5): the archive no longer holds the original pixels.",
  lesson: { slug: 'image-compression', heading: 'Who decides when lossy is allowed' },
  hints: [
    'Open the study in the viewer and look at the tags: Lossy Image Compression (0028,2110), its ratio and method, and the SOP Instance UID. Is this what the scanner sent?',
    "Look at the PACS console's Storage tab: which lossy-compression policy, which long-term codec and which short-term period is the archive set to? What does the site's policy say about studies not yet read?",
    'Set the policy back to "lossy only after primary reading", then get the originals back: the scanner still has them, so send the exam again from its queue (no new scan). Finally press "Restore to short-term" on the study to remove the lossy copies whose originals are back.',
  ],
  paramsSchema: z.object(examParams),
  undoSchema: z.object({ ...examUndo, settings: settingsUndo, studyInstanceUid: z.string() }),
  async inject(db, sandboxId, p) {
    const before = await getTierSettings(db, sandboxId);
    await setTierSettings(db, sandboxId, { lossyPolicy: 'allowed', longTermCodec: 'j2k-lossy', longTermRatio: 10, shortTermDays: SHORT_TERM_DAYS.min }, SYSTEM);
    try {
      const acq = await scanFromWorklist(db, sandboxId, p, true);
      const jobs = await sendExam(db, acq.id);
      if (jobs.some((j) => j.status !== 'done')) throw new FaultError('invalid', `the exam could not be sent: ${jobs.map((j) => j.error).filter(Boolean).join('; ')}`);
      const first = await db.instance.findFirst({ where: { sandboxId, sopInstanceUid: acq.images[0]?.sopInstanceUid ?? '' }, include: { series: { include: { study: true } } } });
      if (!first) throw new FaultError('invalid', 'the exam did not reach the archive');
      const study = first.series.study;
      const r = await migrateByAge(db, sandboxId, { archiveDir: archiveDirFromEnv(), onlyStudyUids: [study.studyInstanceUid] });
      if (!r.moved.some((m) => m.studyInstanceUid === study.studyInstanceUid && m.lossy)) {
        throw new FaultError('invalid', `the archive did not compress the study: ${r.skipped.map((s) => s.reason).join('; ') || 'nothing to move'}`);
      }
      return { ...examRef(acq), settings: before, studyInstanceUid: study.studyInstanceUid };
    } catch (e) {
      await setTierSettings(db, sandboxId, before, { actorId: null, reason: 'fault injection failed' });
      throw e;
    }
  },
  async check(db, sandboxId, _p, u) {
    const settings = await getTierSettings(db, sandboxId);
    const policyOk = settings.lossyPolicy !== 'allowed';
    const acq = await db.acquisition.findUnique({ where: { id: u.acquisitionId }, include: { images: { select: { sopInstanceUid: true } } } });
    const uids = acq?.images.map((i) => i.sopInstanceUid) ?? [];
    const [originals, lossyCopies, study] = await Promise.all([
      db.instance.count({ where: { sandboxId, sopInstanceUid: { in: uids }, lossy: false } }),
      db.instance.count({ where: { sandboxId, lossy: true, originalSopInstanceUid: { in: uids } } }),
      db.study.findUnique({ where: { sandboxId_studyInstanceUid: { sandboxId, studyInstanceUid: u.studyInstanceUid } }, select: { status: true } }),
    ]);
    const unread = !study || study.status !== 'read';
    const [, , rescan] = await examChecks(db, sandboxId, u);
    const results: CheckResult[] = [
      {
        id: 'policy', label: 'The policy forbids lossy compression before reading', passed: policyOk,
        detail: `the archive's lossy-compression policy is "${LOSSY_POLICY_LABELS[settings.lossyPolicy]}"${policyOk ? '' : ': any study, read or not, can be compressed irreversibly'}`,
      },
      {
        id: 'originals', label: 'Every original image of the exam is in the archive, not lossy', passed: uids.length > 0 && originals === uids.length,
        detail: `${originals} of ${uids.length} original image(s) (the SOP Instance UIDs the scanner sent) are in the archive uncompressed or lossless`,
      },
      {
        id: 'no-lossy-copy', label: 'No lossy copy of the unread study remains', passed: !unread || lossyCopies === 0,
        detail: lossyCopies ? `${lossyCopies} lossy cop${lossyCopies === 1 ? 'y' : 'ies'} of the exam's images are still in the archive${unread ? ' and could be read instead of the originals' : ''}` : 'no lossy copy left',
      },
      rescan,
    ];
    return results;
  },
  async clear(db, sandboxId, u) {
    // only what is still as the fault left it: a policy someone chose since is theirs
    const now = await getTierSettings(db, sandboxId);
    if (now.lossyPolicy === 'allowed' && now.longTermCodec === 'j2k-lossy') await setTierSettings(db, sandboxId, u.settings, { actorId: null, reason: 'fault clean-up' });
  },
});
