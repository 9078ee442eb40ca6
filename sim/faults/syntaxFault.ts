// Fault 6 of issue 8: transfer syntax not accepted. The scanner stores and offers its images in JPEG 2000 (lossless)
// only, and the archive takes only uncompressed data for storage, so every presentation context for the images comes
// back with result 4, transfer-syntaxes-not-supported, in the A-ASSOCIATE-AC (PS3.8 9.3.3.2): the association is
// accepted (verification still works) yet no image has a context to travel on. Fixed in either node's
// configuration: the archive accepts lossless compression (PACS console → DICOM nodes → Accepts for storage), or the
// scanner sends uncompressed ("Send images as"; the queue converts its stored images, losslessly, before the
// retry) — then Retry, never a re-scan.
import { z } from 'zod';
import { acceptPolicyOf, acceptsSyntax, setAcceptPolicy, ACCEPT_POLICY_LABELS } from '../archive/acceptPolicy';
import { updateModalityConfig } from '../modality/config';
import { sendSyntaxLabel } from '../modality/sendSyntax';
import { examChecks, examParams, examRef, examUndo, scanFromWorklist, scanner, sendExam } from './exam';
import { defineFault, FaultError } from './types';

const JPEG_2000_LOSSLESS = '1.2.840.10008.1.2.4.90';

export const syntaxNotAccepted = defineFault({
  id: 'syntax-not-accepted',
  title: 'Send failed — transfer syntax not accepted',
  symptom: 'The exam was scanned and sent; the association to the PACS was accepted, yet every image of the job shows "Not sent: no presentation context" and nothing arrived.',
  rootCause: 'The scanner was set to store and send its images in JPEG 2000 (lossless), and the archive is set to accept only uncompressed images for storage. The archive answered the images\' presentation context with result 4, transfer syntaxes not supported (PS3.8 9.3.3.2), so the images had nothing to travel on, while C-ECHO, which needs no compression, still works.',
  lesson: { slug: 'image-compression', heading: 'Transfer syntaxes: how compression travels in DICOM' },
  hints: [
    'C-ECHO works and the association is accepted, so AE titles, host and port are right. Read the queue\'s message for one image: what did the archive accept, and what did the scanner offer?',
    'Compare the two sides: the scanner\'s "Send images as" on its Network tab, and what the archive accepts for storage on the PACS console\'s DICOM nodes page. They have no transfer syntax in common for the images.',
    'Make them agree, on either side: let the archive accept lossless compression, or set the scanner to send uncompressed. Then press Retry on the failed job. Do not scan again.',
  ],
  paramsSchema: z.object(examParams),
  undoSchema: z.object({
    ...examUndo,
    modalityAe: z.string(),
    scannerSyntax: z.string(),
    archiveAe: z.string(),
    archivePolicy: z.string(),
  }),
  async inject(db, sandboxId, p) {
    const s = await scanner(db, sandboxId, p.modalityAe);
    const archiveDest = s.dest('archive');
    const archive = await db.dicomNode.findFirst({ where: { sandboxId, local: true, role: 'archive', ...(archiveDest ? { aeTitle: archiveDest.aeTitle } : {}) } });
    if (!archive) throw new FaultError('invalid', `${p.modalityAe}'s archive destination is not an archive of this sandbox: fix its network settings first`);
    // the undo first: what a clean-up must put back
    const undo = { modalityAe: p.modalityAe, scannerSyntax: s.config.transferSyntaxUid, archiveAe: archive.aeTitle, archivePolicy: acceptPolicyOf(archive.acceptPolicy) };
    await updateModalityConfig(db, sandboxId, p.modalityAe, { transferSyntaxUid: JPEG_2000_LOSSLESS });
    await setAcceptPolicy(db, sandboxId, archive.aeTitle, 'uncompressed', null);
    try {
      const acq = await scanFromWorklist(db, sandboxId, p, true);
      await sendExam(db, acq.id);
      return { ...examRef(acq), ...undo };
    } catch (e) {
      await updateModalityConfig(db, sandboxId, p.modalityAe, { transferSyntaxUid: undo.scannerSyntax });
      await setAcceptPolicy(db, sandboxId, archive.aeTitle, undo.archivePolicy, null);
      throw e;
    }
  },
  async check(db, sandboxId, _p, u) {
    const [config, archive] = await Promise.all([
      db.modalityConfig.findUnique({ where: { sandboxId_modalityAe: { sandboxId, modalityAe: u.modalityAe } } }),
      db.dicomNode.findFirst({ where: { sandboxId, aeTitle: u.archiveAe, local: true } }),
    ]);
    const policy = acceptPolicyOf(archive?.acceptPolicy);
    const syntax = config?.transferSyntaxUid ?? '';
    const agree = Boolean(config && archive) && acceptsSyntax(policy, syntax);
    return [
      {
        id: 'syntax-agreed', label: 'The archive accepts what the scanner sends', passed: agree,
        detail: `${u.modalityAe} sends ${sendSyntaxLabel(syntax)}; ${u.archiveAe} accepts: ${ACCEPT_POLICY_LABELS[policy]}${agree ? '' : ' — no syntax in common for the images'}`,
      },
      ...(await examChecks(db, sandboxId, u)),
    ];
  },
  async clear(db, sandboxId, u) {
    // only what is still as the fault left it: a setting someone changed since is theirs
    const config = await db.modalityConfig.findUnique({ where: { sandboxId_modalityAe: { sandboxId, modalityAe: u.modalityAe } } });
    if (config?.transferSyntaxUid === JPEG_2000_LOSSLESS && u.scannerSyntax !== JPEG_2000_LOSSLESS) await updateModalityConfig(db, sandboxId, u.modalityAe, { transferSyntaxUid: u.scannerSyntax });
    const archive = await db.dicomNode.findFirst({ where: { sandboxId, aeTitle: u.archiveAe, local: true } });
    if (archive && acceptPolicyOf(archive.acceptPolicy) === 'uncompressed') await setAcceptPolicy(db, sandboxId, u.archiveAe, u.archivePolicy, null, 'fault clean-up');
  },
});
