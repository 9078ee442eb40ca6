// Faults of the archive's side of the network (issue 8, faults 3 and 5): the archive service stopped, and an
// archive that stalls mid-association. Both break the real listener through state in the database
// (sim/archive/archiveService.ts, read by sim/dimse/dimseServer.ts at each association), so the symptom is real
// DICOM on a real socket: an A-ASSOCIATE-RJ with its reason, a C-STORE that is never answered. Both are fixed the
// way a PACS administrator fixes them — start the service / find the stall in the network log — and then Retry on
// the scanner, never a re-scan; the checks are the send faults' own (exam.ts: every image once, no re-scan).
import { z } from 'zod';
import { archiveServiceState, armArchiveStall, disarmArchiveStall, startArchive, stopArchive } from '../archive/archiveService';
import { updateModalityConfig } from '../modality/config';
import { examChecks, examParams, examRef, examUndo, scanFromWorklist, scanner, sendExam } from './exam';
import { defineFault, FaultError } from './types';

// -------------------------------------------------------------------------------------------------- PACS offline
export const pacsOffline = defineFault({
  id: 'pacs-offline',
  title: 'Send failed — PACS offline',
  symptom: 'The exam was scanned and sent, but nothing arrived on the PACS. The send queue shows "Association rejected by PACS: temporary congestion (transient)", and a Retry fails the same way.',
  rootCause: "The archive's DICOM service is stopped. The listener still answers on its port, but it turns away every association to the archive's AE title with A-ASSOCIATE-RJ (rejected-transient, service-provider, temporary congestion: PS3.8 9.3.4), while the RIS worklist on the same listener keeps working.",
  lesson: { slug: 'pacs-troubleshooting', heading: 'Send failed: three different failures' },
  hints: [
    'The connection opened and the PACS answered, so host, port and network are fine. Read the rejection: is it permanent (a setup problem) or transient (try again later)?',
    'A transient rejection that does not go away on Retry means the archive cannot take associations at all. The worklist still works, so the listener is up: look at the archive service itself on the PACS console.',
    "Start the archive service in the PACS console's Service panel, then press Retry on the failed job in the scanner's send queue. Do not scan again: the images are waiting on the scanner.",
  ],
  paramsSchema: z.object(examParams),
  undoSchema: z.object({ ...examUndo }),
  async inject(db, sandboxId, p) {
    const state = await archiveServiceState(db, sandboxId);
    if (!state.running) throw new FaultError('conflict', 'the archive service is already stopped in this sandbox: start it first');
    const acq = await scanFromWorklist(db, sandboxId, p, true);
    // no reason a student could read the answer from: what a colleague stopping it would leave
    await stopArchive(db, sandboxId, { actorId: null, reason: '' });
    await sendExam(db, acq.id);
    return examRef(acq);
  },
  async check(db, sandboxId, _p, u) {
    const state = await archiveServiceState(db, sandboxId);
    return [
      {
        id: 'archive-running', label: 'The archive service is running', passed: state.running,
        detail: state.running ? 'the archive accepts associations' : `the archive service is stopped since ${state.stoppedAt!.toISOString()}: every association to it is rejected`,
      },
      ...(await examChecks(db, sandboxId, u)),
    ];
  },
  async clear(db, sandboxId) {
    await startArchive(db, sandboxId, { actorId: null, reason: 'fault clean-up' });
  },
});

// -------------------------------------------------------------------------------------------------- network stall
export const networkStall = defineFault({
  id: 'network-stall',
  title: 'Send failed — timeout / slow network',
  symptom: 'The exam started to send, some images arrived, then the send queue shows "Timed out … waiting for the next C-STORE response" for the rest.',
  rootCause: 'The network to the archive froze in the middle of the association: the archive stopped answering after the first images, so the scanner waited for a C-STORE response that never came, gave up at its DIMSE timeout and aborted. The images already answered are stored; the unanswered ones are not.',
  lesson: { slug: 'pacs-troubleshooting', heading: 'Send failed: three different failures' },
  hints: [
    'The association was accepted and some images were stored, so AE titles, host and port are right. What happened to the images that failed?',
    "Open the PACS network log and find the scanner's association: it ended aborted, and its last C-STORE has no response (status \"none\"). A glitch in the middle of a transfer, not a setup problem.",
    'The network is fine again: press Retry on the failed job. Retry sends only the images not yet stored, so each image arrives once. Re-sending the whole exam would store duplicates; re-scanning doses the patient again.',
  ],
  paramsSchema: z.object({
    ...examParams,
    /** C-STORE responses the archive sends before it goes quiet */
    stallAfter: z.coerce.number().int('a whole number of images').min(0).max(49).default(1),
    /** the scanner's DIMSE timeout while the fault is in place (its old value comes back on clear): a lab does not wait 10 s */
    timeoutSeconds: z.coerce.number().int().min(1).max(30).default(2),
  }),
  undoSchema: z.object({ ...examUndo, modalityAe: z.string(), timeoutSeconds: z.number().int(), injectedTimeoutSeconds: z.number().int() }),
  async inject(db, sandboxId, p) {
    const s = await scanner(db, sandboxId, p.modalityAe);
    const state = await archiveServiceState(db, sandboxId);
    if (!state.running) throw new FaultError('conflict', 'the archive service is stopped in this sandbox: start it first');
    if (state.stallArmed) throw new FaultError('conflict', 'a network stall is already armed in this sandbox');
    if (s.config.modality === 'CT' && p.slices <= p.stallAfter) {
      throw new FaultError('invalid', `the exam has ${p.slices} image(s): the stall must come before the last one (stallAfter below ${p.slices})`);
    }
    const acq = await scanFromWorklist(db, sandboxId, p, true);
    if (acq.images.length <= p.stallAfter) {
      throw new FaultError('invalid', `the exam has ${acq.images.length} image(s): the stall must come before the last one (stallAfter below ${acq.images.length})`);
    }
    await updateModalityConfig(db, sandboxId, p.modalityAe, { timeoutSeconds: p.timeoutSeconds });
    await armArchiveStall(db, sandboxId, p.stallAfter);
    try {
      await sendExam(db, acq.id);
    } finally {
      // once per injection: an association that did not claim it (none stored anything) leaves nothing armed
      await disarmArchiveStall(db, sandboxId);
    }
    return { ...examRef(acq), modalityAe: p.modalityAe, timeoutSeconds: s.config.timeoutSeconds, injectedTimeoutSeconds: p.timeoutSeconds };
  },
  async check(db, sandboxId, _p, u) {
    return examChecks(db, sandboxId, u);
  },
  async clear(db, sandboxId, u) {
    await disarmArchiveStall(db, sandboxId);
    const c = await db.modalityConfig.findUnique({ where: { sandboxId_modalityAe: { sandboxId, modalityAe: u.modalityAe } } });
    // a timeout someone changed since is theirs
    if (c && c.timeoutSeconds === u.injectedTimeoutSeconds) await updateModalityConfig(db, sandboxId, u.modalityAe, { timeoutSeconds: u.timeoutSeconds });
  },
});
