// What every generated object shares: the validated request, its deterministic UIDs and clock, and the
// modules common to all four IODs.
import type { Element } from './explicitLeWriter';
import { attrs, code, da, patientAge, tm } from './attributes';
import { hash32, hashUid } from './random';
import type { GenerateRequest, Protocol } from './index';

export const MANUFACTURER = 'PACS Lab';
export const SOFTWARE_VERSION = 'pacslab-generate 1.0';

export interface SeriesSpec {
  number: number;
  description: string;
  uid: string;
}

export interface GenContext {
  req: GenerateRequest;
  protocol: Protocol;
  /** canonical text of the request: the root of every UID and random stream */
  key: string;
  now: Date;
  studyInstanceUid: string;
  frameOfReferenceUid: string;
  /** a 32-bit seed for one named random stream */
  seedFor(name: string): number;
  uid(...parts: (string | number)[]): string;
  series(index: number, description: string): SeriesSpec;
  /** acquisition clock: `seconds` after the start of the procedure step */
  at(seconds: number): Date;
}

export function makeContext(req: GenerateRequest, protocol: Protocol): GenContext {
  const now = req.now ?? new Date();
  const key = JSON.stringify({ ...req, now: now.toISOString() });
  const uid = (...parts: (string | number)[]) => hashUid(key, ...parts);
  return {
    req,
    protocol,
    key,
    now,
    studyInstanceUid: req.study?.studyInstanceUid ?? uid('study'),
    frameOfReferenceUid: uid('frame-of-reference'),
    seedFor: (name) => hash32(key, name),
    uid,
    series: (index, description) => ({ number: index + 1, description, uid: uid('series', index) }),
    at: (seconds) => new Date(now.getTime() + 90_000 + seconds * 1000),
  };
}

const MODEL: Record<string, string> = { CT: 'PL Helix 64', DX: 'PL DR-1 Digital Radiography', MR: 'PL Field 1.5T', US: 'PL Sono 5' };
const DEFAULT_AE: Record<string, string> = { CT: 'CT1', DX: 'DX1', MR: 'MR1', US: 'US1' };

export const stationAe = (ctx: GenContext) => ctx.req.station?.aeTitle ?? DEFAULT_AE[ctx.protocol.modality];

/**
 * Patient (C.7.1.1), General Study (C.7.2.1), Patient Study (C.7.2.2), General Series (C.7.3.1) with the IHE SWF
 * request and performed-step attributes, General Equipment (C.7.5.1), General Image (C.7.6.1) and SOP Common
 * (C.12.1). Modality modules add their own attributes on top.
 */
export function commonElements(
  ctx: GenContext,
  o: { series: SeriesSpec; instanceNumber: number; sopClassUid: string; sopInstanceUid: string; acquired: Date; imageType: readonly string[] },
): Element[] {
  const { req, protocol, now } = ctx;
  const st = req.study ?? {};
  const station = req.station ?? {};
  const ppsStart = new Date(now.getTime() + 60_000);
  const requestItem = attrs({
    RequestedProcedureID: st.requestedProcedureId ?? `RP${hash32(ctx.key, 'rp') % 1_000_000}`,
    AccessionNumber: st.accessionNumber,
    StudyInstanceUID: ctx.studyInstanceUid,
    RequestedProcedureDescription: st.requestedProcedureDescription ?? protocol.label,
    ScheduledProcedureStepID: st.scheduledProcedureStepId ?? `SPS${hash32(ctx.key, 'sps') % 1_000_000}`,
    ScheduledProcedureStepDescription: st.scheduledProcedureStepDescription ?? protocol.label,
  });
  return [
    ...attrs({
      // SOP Common (PS3.3 C.12.1); UTF-8 so any patient name survives (PS3.3 C.12.1.1.2)
      SpecificCharacterSet: 'ISO_IR 192',
      SOPClassUID: o.sopClassUid,
      SOPInstanceUID: o.sopInstanceUid,
      InstanceCreationDate: da(o.acquired),
      InstanceCreationTime: tm(o.acquired),
      // Patient
      PatientName: req.patient.patientName,
      PatientID: req.patient.patientId,
      PatientBirthDate: req.patient.patientBirthDate ?? '',
      PatientSex: req.patient.patientSex ?? '',
      PatientAge: patientAge(req.patient.patientBirthDate, now),
      // General Study
      StudyInstanceUID: ctx.studyInstanceUid,
      StudyDate: da(now),
      StudyTime: tm(now),
      ReferringPhysicianName: st.referringPhysicianName ?? '',
      StudyID: st.studyId ?? String(hash32(ctx.key, 'study-id') % 100000),
      AccessionNumber: st.accessionNumber ?? '',
      StudyDescription: st.studyDescription ?? protocol.label,
      // General Series, with the performed procedure step (IHE RAD TF-2 4.8.4.1.3: what the modality did)
      Modality: protocol.modality,
      SeriesInstanceUID: o.series.uid,
      SeriesNumber: o.series.number,
      SeriesDate: da(ppsStart),
      SeriesTime: tm(ppsStart),
      SeriesDescription: o.series.description,
      ProtocolName: protocol.label,
      BodyPartExamined: protocol.bodyPart,
      PerformedProcedureStepID: req.performedProcedureStepId ?? `PPS${hash32(ctx.key, 'pps') % 1_000_000}`,
      PerformedProcedureStepStartDate: da(ppsStart),
      PerformedProcedureStepStartTime: tm(ppsStart),
      PerformedProcedureStepDescription: protocol.label,
      RequestAttributesSequence: [requestItem],
      ReferencedPerformedProcedureStepSequence: req.mppsSopInstanceUid
        ? [attrs({ ReferencedSOPClassUID: '1.2.840.10008.3.1.2.3.3', ReferencedSOPInstanceUID: req.mppsSopInstanceUid })]
        : undefined,
      // General Equipment
      Manufacturer: MANUFACTURER,
      ManufacturerModelName: MODEL[protocol.modality],
      InstitutionName: station.institutionName ?? 'PACS Lab Teaching Hospital',
      StationName: station.stationName ?? stationAe(ctx),
      DeviceSerialNumber: `PL-${protocol.modality}-0001`,
      SoftwareVersions: SOFTWARE_VERSION,
      // General Image
      InstanceNumber: o.instanceNumber,
      ImageType: o.imageType,
      AcquisitionDate: da(o.acquired),
      AcquisitionTime: tm(o.acquired),
      ContentDate: da(o.acquired),
      ContentTime: tm(o.acquired),
      BurnedInAnnotation: 'NO',
      LossyImageCompression: '00',
    }),
  ];
}

export { code };
