// The attributes the generator writes, by keyword (PS3.6 Table 6-1 tag and VR), and the modules every object
// shares: Patient, General Study, Patient Study, General Series, General Equipment, General Image, SOP Common
// (PS3.3 C.7, C.12.1), plus what IHE Scheduled Workflow (RAD-8) expects of a modality that used the worklist.
import { el, type Element, type ElementValue, type Item, type Vr } from './explicitLeWriter';

const DICT = {
  SpecificCharacterSet: [0x00080005, 'CS'], ImageType: [0x00080008, 'CS'], InstanceCreationDate: [0x00080012, 'DA'],
  InstanceCreationTime: [0x00080013, 'TM'], SOPClassUID: [0x00080016, 'UI'], SOPInstanceUID: [0x00080018, 'UI'],
  StudyDate: [0x00080020, 'DA'], SeriesDate: [0x00080021, 'DA'], AcquisitionDate: [0x00080022, 'DA'], ContentDate: [0x00080023, 'DA'],
  StudyTime: [0x00080030, 'TM'], SeriesTime: [0x00080031, 'TM'], AcquisitionTime: [0x00080032, 'TM'], ContentTime: [0x00080033, 'TM'],
  AccessionNumber: [0x00080050, 'SH'], Modality: [0x00080060, 'CS'], PresentationIntentType: [0x00080068, 'CS'],
  Manufacturer: [0x00080070, 'LO'], InstitutionName: [0x00080080, 'LO'], ReferringPhysicianName: [0x00080090, 'PN'],
  CodeValue: [0x00080100, 'SH'], CodingSchemeDesignator: [0x00080102, 'SH'], CodeMeaning: [0x00080104, 'LO'],
  StationName: [0x00081010, 'SH'], StudyDescription: [0x00081030, 'LO'], SeriesDescription: [0x0008103e, 'LO'],
  ManufacturerModelName: [0x00081090, 'LO'], ReferencedPerformedProcedureStepSequence: [0x00081111, 'SQ'],
  ReferencedSOPClassUID: [0x00081150, 'UI'], ReferencedSOPInstanceUID: [0x00081155, 'UI'],
  RecommendedDisplayFrameRate: [0x00082144, 'IS'], AnatomicRegionSequence: [0x00082218, 'SQ'],
  PatientName: [0x00100010, 'PN'], PatientID: [0x00100020, 'LO'], PatientBirthDate: [0x00100030, 'DA'],
  PatientSex: [0x00100040, 'CS'], PatientAge: [0x00101010, 'AS'],
  ContrastBolusAgent: [0x00180010, 'LO'], BodyPartExamined: [0x00180015, 'CS'], ScanningSequence: [0x00180020, 'CS'], SequenceVariant: [0x00180021, 'CS'],
  ScanOptions: [0x00180022, 'CS'], MRAcquisitionType: [0x00180023, 'CS'], SequenceName: [0x00180024, 'SH'],
  AngioFlag: [0x00180025, 'CS'], CineRate: [0x00180040, 'IS'], SliceThickness: [0x00180050, 'DS'], KVP: [0x00180060, 'DS'],
  RepetitionTime: [0x00180080, 'DS'], EchoTime: [0x00180081, 'DS'], InversionTime: [0x00180082, 'DS'],
  NumberOfAverages: [0x00180083, 'DS'], ImagingFrequency: [0x00180084, 'DS'], ImagedNucleus: [0x00180085, 'SH'],
  EchoNumbers: [0x00180086, 'IS'], MagneticFieldStrength: [0x00180087, 'DS'], SpacingBetweenSlices: [0x00180088, 'DS'],
  DataCollectionDiameter: [0x00180090, 'DS'], EchoTrainLength: [0x00180091, 'IS'], PixelBandwidth: [0x00180095, 'DS'],
  DeviceSerialNumber: [0x00181000, 'LO'], SoftwareVersions: [0x00181020, 'LO'], ProtocolName: [0x00181030, 'LO'],
  FrameTime: [0x00181063, 'DS'], HeartRate: [0x00181088, 'IS'], ReconstructionDiameter: [0x00181100, 'DS'],
  DistanceSourceToDetector: [0x00181110, 'DS'], DistanceSourceToPatient: [0x00181111, 'DS'],
  GantryDetectorTilt: [0x00181120, 'DS'], TableHeight: [0x00181130, 'DS'], RotationDirection: [0x00181140, 'CS'],
  ContrastBolusRoute: [0x00181040, 'LO'], ContrastBolusVolume: [0x00181041, 'DS'], ContrastBolusIngredient: [0x00181048, 'CS'],
  ContrastBolusIngredientConcentration: [0x00181049, 'DS'], ExposureTime: [0x00181150, 'IS'], XRayTubeCurrent: [0x00181151, 'IS'], Exposure: [0x00181152, 'IS'],
  ExposureInuAs: [0x00181153, 'IS'], FilterType: [0x00181160, 'SH'], GeneratorPower: [0x00181170, 'IS'],
  ImagerPixelSpacing: [0x00181164, 'DS'], Grid: [0x00181166, 'CS'], FocalSpots: [0x00181190, 'DS'],
  ConvolutionKernel: [0x00181210, 'SH'], ReceiveCoilName: [0x00181250, 'SH'], TransmitCoilName: [0x00181251, 'SH'],
  FlipAngle: [0x00181314, 'DS'], ExposureIndex: [0x00181411, 'DS'], TargetExposureIndex: [0x00181412, 'DS'],
  DeviationIndex: [0x00181413, 'DS'], BodyPartThickness: [0x001811a0, 'DS'], TransducerData: [0x00185010, 'LO'],
  ProcessingFunction: [0x00185020, 'LO'], PatientPosition: [0x00185100, 'CS'], ViewPosition: [0x00185101, 'CS'],
  DetectorType: [0x00187004, 'CS'], RevolutionTime: [0x00189305, 'FD'], SingleCollimationWidth: [0x00189306, 'FD'],
  TotalCollimationWidth: [0x00189307, 'FD'], TableSpeed: [0x00189309, 'FD'], TableFeedPerRotation: [0x00189310, 'FD'],
  SpiralPitchFactor: [0x00189311, 'FD'], CTDIvol: [0x00189345, 'FD'],
  StudyInstanceUID: [0x0020000d, 'UI'], SeriesInstanceUID: [0x0020000e, 'UI'], StudyID: [0x00200010, 'SH'],
  SeriesNumber: [0x00200011, 'IS'], AcquisitionNumber: [0x00200012, 'IS'], InstanceNumber: [0x00200013, 'IS'],
  PatientOrientation: [0x00200020, 'CS'], ImagePositionPatient: [0x00200032, 'DS'], ImageOrientationPatient: [0x00200037, 'DS'],
  FrameOfReferenceUID: [0x00200052, 'UI'], Laterality: [0x00200060, 'CS'], ImageLaterality: [0x00200062, 'CS'],
  PositionReferenceIndicator: [0x00201040, 'LO'], SliceLocation: [0x00201041, 'DS'],
  SamplesPerPixel: [0x00280002, 'US'], PhotometricInterpretation: [0x00280004, 'CS'], PlanarConfiguration: [0x00280006, 'US'],
  NumberOfFrames: [0x00280008, 'IS'], FrameIncrementPointer: [0x00280009, 'AT'], Rows: [0x00280010, 'US'],
  Columns: [0x00280011, 'US'], PixelSpacing: [0x00280030, 'DS'], BitsAllocated: [0x00280100, 'US'],
  BitsStored: [0x00280101, 'US'], HighBit: [0x00280102, 'US'], PixelRepresentation: [0x00280103, 'US'],
  BurnedInAnnotation: [0x00280301, 'CS'], PixelIntensityRelationship: [0x00281040, 'CS'],
  PixelIntensityRelationshipSign: [0x00281041, 'SS'], WindowCenter: [0x00281050, 'DS'], WindowWidth: [0x00281051, 'DS'],
  RescaleIntercept: [0x00281052, 'DS'], RescaleSlope: [0x00281053, 'DS'], RescaleType: [0x00281054, 'LO'],
  WindowCenterWidthExplanation: [0x00281055, 'LO'], LossyImageCompression: [0x00282110, 'CS'],
  RequestingPhysician: [0x00321032, 'PN'], RequestedProcedureDescription: [0x00321060, 'LO'],
  ScheduledProcedureStepDescription: [0x00400007, 'LO'], ScheduledProcedureStepID: [0x00400009, 'SH'],
  PerformedProcedureStepStartDate: [0x00400244, 'DA'], PerformedProcedureStepStartTime: [0x00400245, 'TM'],
  PerformedProcedureStepID: [0x00400253, 'SH'], PerformedProcedureStepDescription: [0x00400254, 'LO'],
  RequestAttributesSequence: [0x00400275, 'SQ'], RequestedProcedureID: [0x00401001, 'SH'],
  PresentationLUTShape: [0x20500020, 'CS'], ViewCodeSequence: [0x00540220, 'SQ'], PositionerType: [0x00181508, 'CS'],
  AcquisitionContextSequence: [0x00400555, 'SQ'], CTDIPhantomTypeCodeSequence: [0x00189346, 'SQ'], PixelData: [0x7fe00010, 'OW'],
} as const satisfies Record<string, readonly [number, Vr]>;

export type Keyword = keyof typeof DICT;

/** Tag number of a keyword, e.g. for Frame Increment Pointer. */
export const tagOf = (k: Keyword): number => DICT[k][0];

/** An element by keyword. */
export function kw(k: Keyword, value: ElementValue): Element {
  const [tag, vr] = DICT[k];
  return el(tag, vr, value);
}

/** A list of elements from keyword → value (undefined values are left out; '' is an empty type 2 value). */
export function attrs(values: Partial<Record<Keyword, ElementValue>>): Element[] {
  const out: Element[] = [];
  for (const [k, v] of Object.entries(values)) if (v !== undefined) out.push(kw(k as Keyword, v));
  return out;
}

export const code = (value: string, scheme: string, meaning: string): Item => attrs({ CodeValue: value, CodingSchemeDesignator: scheme, CodeMeaning: meaning });

const p2 = (n: number) => String(n).padStart(2, '0');

/** DA from a Date, local time (what the modality's clock shows; PS3.5 6.2). */
export const da = (d: Date) => `${d.getFullYear()}${p2(d.getMonth() + 1)}${p2(d.getDate())}`;
/** TM from a Date, local time, to the hundredth of a second. */
export const tm = (d: Date) => `${p2(d.getHours())}${p2(d.getMinutes())}${p2(d.getSeconds())}.${p2(Math.floor(d.getMilliseconds() / 10))}`;

/** Patient's Age (AS, PS3.5 6.2) at `at`, from a DA birth date, or undefined. */
export function patientAge(birthDate: string | undefined, at: Date): string | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(birthDate ?? '');
  if (!m) return undefined;
  const born = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  let years = at.getFullYear() - born.getFullYear();
  if (at.getMonth() < born.getMonth() || (at.getMonth() === born.getMonth() && at.getDate() < born.getDate())) years--;
  if (years >= 2) return `${String(Math.min(years, 999)).padStart(3, '0')}Y`;
  const months = Math.max(0, Math.floor((at.getTime() - born.getTime()) / (30.44 * 86400e3)));
  return `${String(months).padStart(3, '0')}M`;
}
