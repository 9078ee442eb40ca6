'use server';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getDb } from '@/prisma/db';
import { nextStudyStatus, STUDY_ACTIONS } from '@/sim/archive/studyStatus';
import { HttpError } from '@/app/_lib/errors';
import { requireRole } from '@/app/_lib/session';
import { currentSandbox } from '../_lib/current';

const input = z.object({
  studyInstanceUid: z.string().regex(/^[0-9.]{1,64}$/),
  action: z.enum(STUDY_ACTIONS),
  reason: z.string().trim().max(500).default(''),
});

export type StatusResult = { ok: true; status: string } | { ok: false; error: string };

/** Changes a study's status through the one transition function, and audits who, when and why. */
export async function changeStudyStatus(_prev: StatusResult | null, form: FormData): Promise<StatusResult> {
  try {
    const viewer = await requireRole('student');
    const parsed = input.safeParse({ studyInstanceUid: form.get('studyInstanceUid'), action: form.get('action'), reason: form.get('reason') ?? '' });
    if (!parsed.success) throw new HttpError(422, 'That change could not be read.');
    const { studyInstanceUid, action, reason } = parsed.data;
    if (action === 'hold' && !reason) throw new HttpError(422, 'Say why the study is put on hold: the reason is kept in the audit log.');
    const sandbox = await currentSandbox();
    if (!sandbox) throw new HttpError(404, 'The demo sandbox does not exist.');
    const db = getDb();
    const study = await db.study.findUnique({ where: { sandboxId_studyInstanceUid: { sandboxId: sandbox.id, studyInstanceUid } } });
    if (!study) throw new HttpError(404, 'There is no such study in this archive.');
    const next = nextStudyStatus(study.status, action);
    if (!next.ok) throw new HttpError(409, next.error);
    // the status is compared in the update itself, so two consoles changing one study cannot both win
    const updated = await db.study.updateMany({ where: { id: study.id, status: study.status }, data: { status: next.status } });
    if (updated.count !== 1) throw new HttpError(409, 'Someone else changed this study just now. Reload and try again.');
    await db.auditEvent.create({
      data: { actorId: viewer.id, action: `study.${action}`, target: `study:${studyInstanceUid}`, reason, detail: { from: study.status, to: next.status, sandbox: sandbox.slug } },
    });
    revalidatePath(`/sandbox/pacs/studies/${studyInstanceUid}`);
    return { ok: true, status: next.status };
  } catch (error) {
    if (error instanceof HttpError) return { ok: false, error: error.message };
    console.error('[pacs] status change failed', error);
    return { ok: false, error: 'Something went wrong on the server. It has been logged.' };
  }
}
