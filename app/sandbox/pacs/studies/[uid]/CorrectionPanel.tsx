// "Correct this study" on the PACS console's study page: merge into another study of the same patient, move one
// series to another of the patient's studies, split series out to the patient's own order. Shown only to those who
// may administer the sandbox (instructors, or a student whose fault scenario runs in it); every action asks why.
// The wrong-patient tools sit below: edit the patient demographics, reject images with an IOCM rejection note.
import { Ban, GitMerge, MoveRight, Split, UserPen, Wrench } from 'lucide-react';
import { ActionForm } from '@/app/_components/ActionForm';
import { formatDicomDate } from '@/app/_lib/format';
import { getViewer } from '@/app/_lib/session';
import { getDb } from '@/prisma/db';
import { mayAdminister } from '../../../_lib/sandboxAdmin';
import { REJECTION_CODES } from '@/sim/archive/patientCorrections';
import { correctDemographicsAction, mergeStudyAction, moveSeriesAction, rejectImagesAction, splitToOrderAction } from './corrections';

interface Props {
  sandboxId: string;
  studyInstanceUid: string;
}

function Reason({ id, placeholder = 'e.g. second series registered by hand at the scanner' }: { id: string; placeholder?: string }) {
  return (
    <label className="min-w-56 flex-1" htmlFor={id}>
      <span className="label">Reason (required, kept in the audit trail)</span>
      <input id={id} name="reason" className="field" required minLength={3} maxLength={500} placeholder={placeholder} />
    </label>
  );
}

export async function CorrectionPanel({ sandboxId, studyInstanceUid }: Props) {
  const db = getDb();
  if (!(await mayAdminister(db, await getViewer(), sandboxId))) return null;
  const study = await db.study.findUnique({
    where: { sandboxId_studyInstanceUid: { sandboxId, studyInstanceUid } },
    include: { patient: true, series: { orderBy: [{ seriesNumber: 'asc' }, { createdAt: 'asc' }], include: { _count: { select: { instances: true } } } } },
  });
  if (!study) return null;
  const [others, orders] = await Promise.all([
    db.study.findMany({
      where: { sandboxId, patientRefId: study.patientRefId, id: { not: study.id } },
      orderBy: [{ studyDate: 'desc' }, { studyTime: 'desc' }],
      take: 50,
      include: { _count: { select: { series: true } } },
    }),
    db.order.findMany({
      where: { sandboxId, patientId: study.patient.patientId, status: { not: 'cancelled' }, studyInstanceUid: { not: study.studyInstanceUid } },
      orderBy: [{ scheduledStartDate: 'desc' }, { scheduledStartTime: 'desc' }],
      take: 50,
    }),
  ]);
  const studyLabel = (s: (typeof others)[number]) =>
    `${s.accessionNumber || 'no accession'} · ${s.studyDescription || 'no description'} · ${formatDicomDate(s.studyDate)} · ${s._count.series} series`;
  const seriesLabel = (s: (typeof study.series)[number]) => `Series ${s.seriesNumber ?? '–'} · ${s.modality} · ${s.seriesDescription || 'no description'} · ${s._count.instances} image${s._count.instances === 1 ? '' : 's'}`;
  const hidden = { studyInstanceUid };

  return (
    <section className="card border-amber-200 p-5" aria-labelledby="correct-heading" data-testid="correction-panel">
      <div className="flex items-start gap-3">
        <Wrench className="mt-0.5 h-5 w-5 shrink-0 text-amber-700" aria-hidden />
        <div>
          <h3 id="correct-heading" className="font-semibold">Correct this study</h3>
          <p className="mt-1 text-sm text-slate-600">
            These tools rewrite the Study Instance UID, accession number and patient attributes of the stored images (the old values are kept in
            each file&apos;s Original Attributes Sequence) and record who did it and why. Only the patient&apos;s own studies and orders are offered.
          </p>
        </div>
      </div>

      <div className="mt-5 grid gap-6 lg:grid-cols-3">
        <div className="space-y-2" data-testid="merge-form">
          <h4 className="flex items-center gap-2 text-sm font-semibold"><GitMerge className="h-4 w-4 text-slate-500" aria-hidden /> Merge into another study</h4>
          <p className="text-xs text-slate-500">Every series of this study moves into the study you choose; this study then disappears.</p>
          {others.length ? (
            <ActionForm
              action={mergeStudyAction}
              hidden={{ sourceStudyUid: studyInstanceUid }}
              submit="Merge into selected study"
              pendingLabel="Merging…"
              className="flex flex-col gap-2"
              testId="merge"
              confirm="Merge this study into the selected one? Its images will carry the other study's identifiers."
            >
              <label htmlFor="merge-target">
                <span className="label">Surviving study ({study.patient.patientId})</span>
                <select id="merge-target" name="targetStudyUid" className="field" required defaultValue={others.find((o) => o.accessionNumber)?.studyInstanceUid ?? others[0].studyInstanceUid}>
                  {others.map((o) => <option key={o.id} value={o.studyInstanceUid}>{studyLabel(o)}</option>)}
                </select>
              </label>
              <Reason id="merge-reason" />
            </ActionForm>
          ) : (
            <p className="text-sm text-slate-500">This patient has no other study to merge into.</p>
          )}
        </div>

        <div className="space-y-2" data-testid="move-form">
          <h4 className="flex items-center gap-2 text-sm font-semibold"><MoveRight className="h-4 w-4 text-slate-500" aria-hidden /> Move a series</h4>
          <p className="text-xs text-slate-500">One series moves to another study of the same patient.</p>
          {others.length ? (
            <ActionForm action={moveSeriesAction} hidden={hidden} submit="Move series" pendingLabel="Moving…" submitClass="btn-secondary" className="flex flex-col gap-2" testId="move">
              <label htmlFor="move-series">
                <span className="label">Series</span>
                <select id="move-series" name="seriesUid" className="field" required>
                  {study.series.map((s) => <option key={s.id} value={s.seriesInstanceUid}>{seriesLabel(s)}</option>)}
                </select>
              </label>
              <label htmlFor="move-target">
                <span className="label">To study</span>
                <select id="move-target" name="targetStudyUid" className="field" required>
                  {others.map((o) => <option key={o.id} value={o.studyInstanceUid}>{studyLabel(o)}</option>)}
                </select>
              </label>
              <Reason id="move-reason" />
            </ActionForm>
          ) : (
            <p className="text-sm text-slate-500">This patient has no other study to move a series to.</p>
          )}
        </div>

        <div className="space-y-2" data-testid="split-form">
          <h4 className="flex items-center gap-2 text-sm font-semibold"><Split className="h-4 w-4 text-slate-500" aria-hidden /> Split series out to an order</h4>
          <p className="text-xs text-slate-500">The series take the order&apos;s Study Instance UID, accession number, procedure and patient.</p>
          {orders.length ? (
            <ActionForm action={splitToOrderAction} hidden={hidden} submit="Split out to order" pendingLabel="Splitting…" submitClass="btn-secondary" className="flex flex-col gap-2" testId="split">
              <fieldset>
                <legend className="label">Series</legend>
                <div className="space-y-1">
                  {study.series.map((s) => (
                    <label key={s.id} className="flex items-center gap-2 text-sm">
                      <input type="checkbox" name="seriesUids" value={s.seriesInstanceUid} className="h-4 w-4 accent-slate-700" />
                      {seriesLabel(s)}
                    </label>
                  ))}
                </div>
              </fieldset>
              <label htmlFor="split-order">
                <span className="label">Order</span>
                <select id="split-order" name="orderId" className="field" required>
                  {orders.map((o) => (
                    <option key={o.id} value={o.id}>{`${o.accessionNumber} · ${o.requestedProcedureDescription} · ${formatDicomDate(o.scheduledStartDate)} · ${o.status}`}</option>
                  ))}
                </select>
              </label>
              <Reason id="split-reason" />
            </ActionForm>
          ) : (
            <p className="text-sm text-slate-500">The RIS has no other order for patient {study.patient.patientId}.</p>
          )}
        </div>
      </div>

      <div className="mt-6 grid gap-6 border-t border-slate-100 pt-5 lg:grid-cols-2">
        <div className="space-y-2" data-testid="demographics-form">
          <h4 className="flex items-center gap-2 text-sm font-semibold"><UserPen className="h-4 w-4 text-slate-500" aria-hidden /> Edit patient demographics</h4>
          <p className="text-xs text-slate-500">
            For images filed under the wrong patient: every image of this study takes these values; a Patient ID already in the archive must match
            that patient. Recorded as a patient-safety event. Then split the series out to the right patient&apos;s order.
          </p>
          <ActionForm
            action={correctDemographicsAction}
            hidden={hidden}
            submit="Correct demographics"
            pendingLabel="Correcting…"
            submitClass="btn-secondary"
            className="flex flex-col gap-2"
            testId="demographics"
            confirm="Rewrite the patient of every image in this study? The old values are kept in each file's Original Attributes Sequence."
          >
            <div className="grid gap-2 sm:grid-cols-2">
              <label htmlFor="demo-id">
                <span className="label">Patient ID</span>
                <input id="demo-id" name="patientId" className="field font-mono" required maxLength={64} defaultValue={study.patient.patientId} />
              </label>
              <label htmlFor="demo-name">
                <span className="label">Patient&apos;s name (FAMILY^GIVEN)</span>
                <input id="demo-name" name="patientName" className="field font-mono" required maxLength={64} defaultValue={study.patient.patientName} />
              </label>
              <label htmlFor="demo-birth">
                <span className="label">Birth date (YYYYMMDD)</span>
                <input id="demo-birth" name="birthDate" className="field font-mono" inputMode="numeric" pattern="[0-9]{8}" maxLength={8} defaultValue={study.patient.birthDate} />
              </label>
              <label htmlFor="demo-sex">
                <span className="label">Sex</span>
                <select id="demo-sex" name="sex" className="field" defaultValue={study.patient.sex}>
                  <option value="F">F — female</option>
                  <option value="M">M — male</option>
                  <option value="O">O — other</option>
                  <option value="">unknown</option>
                </select>
              </label>
            </div>
            <Reason id="demo-reason" placeholder="e.g. patient scanned from another patient's worklist entry" />
          </ActionForm>
        </div>

        <div className="space-y-2" data-testid="reject-form">
          <h4 className="flex items-center gap-2 text-sm font-semibold"><Ban className="h-4 w-4 text-slate-500" aria-hidden /> Reject images</h4>
          <p className="text-xs text-slate-500">
            IHE IOCM: a rejection note (a Key Object Selection document with the reason code) is stored in the study, and the rejected images are
            deleted from the archive, so no query or retrieve returns them again.
          </p>
          <ActionForm
            action={rejectImagesAction}
            hidden={hidden}
            submit="Reject images"
            pendingLabel="Rejecting…"
            submitClass="btn-secondary"
            className="flex flex-col gap-2"
            testId="reject"
            confirm="Reject these images? They are deleted from the archive; only the rejection note remains."
          >
            <label htmlFor="reject-scope">
              <span className="label">Images to reject</span>
              <select id="reject-scope" name="scope" className="field" required defaultValue="study">
                <option value="study">The whole study</option>
                {study.series.map((s) => <option key={s.id} value={s.seriesInstanceUid}>{seriesLabel(s)}</option>)}
              </select>
            </label>
            <label htmlFor="reject-code">
              <span className="label">Reason code (DICOM CID 7011)</span>
              <select id="reject-code" name="code" className="field" required defaultValue="113038">
                {Object.entries(REJECTION_CODES).map(([code, meaning]) => <option key={code} value={code}>{`${code} · ${meaning}`}</option>)}
              </select>
            </label>
            <Reason id="reject-reason" placeholder="e.g. wrong worklist entry picked at CT1" />
          </ActionForm>
        </div>
      </div>
    </section>
  );
}
