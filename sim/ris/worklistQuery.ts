// The worklist's pure parts (PS3.4 K.6.1.2.2): the one mapping from an order to a worklist item, query
// preparation, matching (sim/archive/matching.ts's functions) and the response projection (C.4.1.1.3.2). The
// DIMSE side is worklistScp.ts.
import { Status } from '../dicom/status';
import { invalidQueryValue, isUniversal, matchAttribute, queryValues } from '../archive/matching';

export type Item = Record<string, unknown>;

/** The subset of an Order row the worklist reads. */
export interface OrderRow {
  patientId: string;
  patientName: string;
  patientBirthDate: string;
  patientSex: string;
  accessionNumber: string;
  requestedProcedureId: string;
  requestedProcedureDescription: string;
  modality: string;
  scheduledStationAeTitle: string;
  scheduledStationName: string;
  scheduledProcedureStepId: string;
  scheduledProcedureStepDescription: string;
  scheduledStartDate: string;
  scheduledStartTime: string;
  scheduledPerformingPhysicianName: string;
  referringPhysicianName: string;
  reason: string;
  priority: string;
  studyInstanceUid: string;
}

const pn = (s: string) => (s ? [{ Alphabetic: s }] : '');

/** The one mapping from an order to its Scheduled Procedure Step Sequence item (PS3.4 Table K.6-1). */
export function scheduledStepItem(o: OrderRow): Item {
  return {
    ScheduledStationAETitle: o.scheduledStationAeTitle,
    ScheduledProcedureStepStartDate: o.scheduledStartDate,
    ScheduledProcedureStepStartTime: o.scheduledStartTime,
    Modality: o.modality,
    ScheduledPerformingPhysicianName: pn(o.scheduledPerformingPhysicianName),
    ScheduledProcedureStepDescription: o.scheduledProcedureStepDescription,
    ScheduledStationName: o.scheduledStationName,
    ScheduledProcedureStepLocation: '',
    ScheduledProcedureStepID: o.scheduledProcedureStepId,
    ScheduledProcedureStepStatus: 'SCHEDULED',
  };
}

/** The one mapping from an order to a worklist item (DICOM keywords). */
export function worklistItem(o: OrderRow): Item {
  return {
    PatientName: pn(o.patientName),
    PatientID: o.patientId,
    PatientBirthDate: o.patientBirthDate,
    PatientSex: o.patientSex,
    AccessionNumber: o.accessionNumber,
    ReferringPhysicianName: pn(o.referringPhysicianName),
    RequestedProcedureID: o.requestedProcedureId,
    RequestedProcedureDescription: o.requestedProcedureDescription,
    RequestedProcedurePriority: o.priority,
    ReasonForTheRequestedProcedure: o.reason,
    StudyInstanceUID: o.studyInstanceUid,
    ScheduledProcedureStepSequence: [scheduledStepItem(o)],
  };
}

/** Matching keys we honour, with their VRs. */
const TOP_KEYS: Record<string, string> = {
  PatientName: 'PN',
  PatientID: 'LO',
  AccessionNumber: 'SH',
  RequestedProcedureID: 'SH',
  StudyInstanceUID: 'UI',
};
const SPS_KEYS: Record<string, string> = {
  ScheduledStationAETitle: 'AE',
  ScheduledProcedureStepStartDate: 'DA',
  ScheduledProcedureStepStartTime: 'TM',
  Modality: 'CS',
  ScheduledPerformingPhysicianName: 'PN',
};

const isKeyword = (k: string) => /^[A-Z]/.test(k);
const isItemList = (v: unknown): v is Item[] => Array.isArray(v) && v.every((x) => typeof x === 'object' && x !== null && !('Alphabetic' in x));

export interface WorklistQuery {
  top: Record<string, string[]>;
  sps: Record<string, string[]>;
  /** non-universal keys we return but do not match */
  unsupported: string[];
  identifier: Item;
}

export type PreparedWorklistQuery = { ok: true; q: WorklistQuery } | { ok: false; status: number; errorComment: string };

export function prepareWorklistQuery(identifier: Item): PreparedWorklistQuery {
  const top: Record<string, string[]> = {};
  const sps: Record<string, string[]> = {};
  const unsupported: string[] = [];
  const check = (keyword: string, vr: string, values: string[]) => {
    for (const v of values) {
      const why = invalidQueryValue(vr, v);
      if (why) return `${keyword}: ${why}`;
    }
    return null;
  };
  for (const [k, raw] of Object.entries(identifier)) {
    if (!isKeyword(k) || k === 'SpecificCharacterSet') continue;
    if (k === 'ScheduledProcedureStepSequence') {
      if (!isItemList(raw) && raw !== '' && raw !== undefined && raw !== null) {
        return { ok: false, status: Status.DataSetDoesNotMatchSopClass, errorComment: 'Scheduled Procedure Step Sequence is not a sequence' };
      }
      const items = isItemList(raw) ? raw : [];
      if (items.length > 1) return { ok: false, status: Status.DataSetDoesNotMatchSopClass, errorComment: 'Scheduled Procedure Step Sequence: one item only (PS3.4 C.2.2.2.6)' };
      for (const [ik, iraw] of Object.entries(items[0] ?? {})) {
        if (!isKeyword(ik)) continue;
        const vr = SPS_KEYS[ik];
        if (isItemList(iraw)) continue;
        const values = queryValues(iraw);
        if (!vr) {
          if (!isUniversal(values)) unsupported.push(`ScheduledProcedureStepSequence>${ik}`);
          continue;
        }
        const bad = check(ik, vr, values);
        if (bad) return { ok: false, status: Status.DataSetDoesNotMatchSopClass, errorComment: bad };
        if (!isUniversal(values)) sps[ik] = values;
      }
      continue;
    }
    if (isItemList(raw)) continue;
    const values = queryValues(raw);
    const vr = TOP_KEYS[k];
    if (!vr) {
      if (!isUniversal(values)) unsupported.push(k);
      continue;
    }
    const bad = check(k, vr, values);
    if (bad) return { ok: false, status: Status.DataSetDoesNotMatchSopClass, errorComment: bad };
    if (!isUniversal(values)) top[k] = values;
  }
  return { ok: true, q: { top, sps, unsupported, identifier } };
}

export function matchesWorklistQuery(q: WorklistQuery, item: Item): boolean {
  for (const [k, values] of Object.entries(q.top)) {
    if (!matchAttribute(TOP_KEYS[k], values, queryValues(item[k]))) return false;
  }
  const step = (item.ScheduledProcedureStepSequence as Item[])[0];
  for (const [k, values] of Object.entries(q.sps)) {
    if (!matchAttribute(SPS_KEYS[k], values, queryValues(step[k]))) return false;
  }
  return true;
}

/** The response identifier: the keys of the request, with our values (zero length where we have none). */
export function projectToRequest(identifier: Item, item: Item): Item {
  const out = project(identifier, item);
  // PS3.5 6.1.2.3: names outside ASCII need a declared character set; dcmjs writes UTF-8
  // eslint-disable-next-line no-control-regex
  if (/[^\x00-\x7f]/.test(JSON.stringify(out))) out.SpecificCharacterSet = 'ISO_IR 192';
  else if ('SpecificCharacterSet' in identifier) out.SpecificCharacterSet = '';
  return out;
}

function project(identifier: Item, item: Item): Item {
  const out: Item = {};
  for (const [k, raw] of Object.entries(identifier)) {
    if (!isKeyword(k)) continue;
    if (k === 'SpecificCharacterSet') continue;
    if (k === 'ScheduledProcedureStepSequence') {
      const asked = isItemList(raw) && raw[0] ? Object.keys(raw[0]).filter(isKeyword) : [];
      const step = (item.ScheduledProcedureStepSequence as Item[])[0];
      out[k] = [asked.length ? project((raw as Item[])[0], step) : step];
      continue;
    }
    if (k in item) out[k] = item[k];
    else out[k] = isItemList(raw) ? [] : '';
  }
  return out;
}
