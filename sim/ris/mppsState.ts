// The MPPS state machine (PS3.4 F.1.5, Tables F.1-3/F.1-4) as one pure function: a step is created IN PROGRESS
// and ends COMPLETED or DISCONTINUED; once final it "may no longer be updated". The refusal carries the DIMSE
// answer the standard's implementers give: Status 0110 (Processing failure, PS3.7 C.5.3) with Error ID
// (0000,0903) A710 and the Error Comment "Performed Procedure Step Object may no longer be updated"
// (dcm4che's BasicMPPSSCP and pynetdicom's PROCEDURE_STEP_STATUS table word it so; PS3.4 F.7.2.2.2).
import { Status } from '../dicom/status';

export const MPPS_STATUSES = ['IN PROGRESS', 'COMPLETED', 'DISCONTINUED'] as const;
export type MppsStatus = (typeof MPPS_STATUSES)[number];

/** Error ID (0000,0903) sent with 0110 for an update of a finished step */
export const MAY_NO_LONGER_BE_UPDATED_ERROR_ID = 0xa710;
export const MAY_NO_LONGER_BE_UPDATED = 'Performed Procedure Step Object may no longer be updated';

export interface MppsRefusal {
  ok: false;
  status: number;
  errorId?: number;
  errorComment: string;
}
export type MppsTransition = { ok: true; status: MppsStatus; final: boolean } | MppsRefusal;

export function isMppsStatus(s: string): s is MppsStatus {
  return (MPPS_STATUSES as readonly string[]).includes(s);
}

/** N-CREATE: a new step must start IN PROGRESS (PS3.4 F.7.2.1.1, Table F.7.2-1: Performed Procedure Step Status 1/1). */
export function initialMppsStatus(requested: string | undefined): MppsTransition {
  if (requested === undefined || requested === '') {
    return { ok: false, status: Status.MissingAttribute, errorComment: 'Performed Procedure Step Status (0040,0252) is missing' };
  }
  if (requested !== 'IN PROGRESS') {
    return { ok: false, status: Status.InvalidAttributeValue, errorComment: `N-CREATE must set status IN PROGRESS, not "${requested}"` };
  }
  return { ok: true, status: 'IN PROGRESS', final: false };
}

/**
 * N-SET: `requested` is the Performed Procedure Step Status in the modification list, or undefined when the
 * N-SET only changes other attributes (allowed while IN PROGRESS).
 */
export function nextMppsStatus(current: string, requested: string | undefined): MppsTransition {
  if (current === 'COMPLETED' || current === 'DISCONTINUED') {
    return { ok: false, status: Status.ProcessingFailure, errorId: MAY_NO_LONGER_BE_UPDATED_ERROR_ID, errorComment: MAY_NO_LONGER_BE_UPDATED };
  }
  if (current !== 'IN PROGRESS') return { ok: false, status: Status.ProcessingFailure, errorComment: `unknown stored MPPS status "${current}"` };
  if (requested === undefined || requested === 'IN PROGRESS') return { ok: true, status: 'IN PROGRESS', final: false };
  if (requested === 'COMPLETED' || requested === 'DISCONTINUED') return { ok: true, status: requested, final: true };
  return { ok: false, status: Status.InvalidAttributeValue, errorComment: `Performed Procedure Step Status "${requested}" is not IN PROGRESS, COMPLETED or DISCONTINUED` };
}
