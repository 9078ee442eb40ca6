// Synthetic acquisitions (issue #5): valid DICOM objects with real pixel data for CT, DX, MR and US protocols,
// deterministic given the seed (same request + same seed ⇒ identical bytes, UIDs included), carrying what IHE
// Scheduled Workflow expects from a modality that used the worklist. Used by the modality simulator, the
// `pacslab generate` command, the viewer and the compression lab.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { isValidUid } from '@/sim/dicom/uid';
import { makeContext } from './context';
import { generateCt } from './ct';
import { generateDx } from './dx';
import { generateMr } from './mr';
import { generateUs } from './us';

export type GenModality = 'CT' | 'DX' | 'MR' | 'US';

export interface Protocol {
  id: string;
  modality: GenModality;
  label: string;
  description: string;
  bodyPart: string;
  defaultImages: number;
  /** CT: intravenous contrast given (enhanced blood and organs, the Contrast/Bolus module) */
  contrast?: boolean;
}

export const PROTOCOLS: readonly Protocol[] = [
  { id: 'ct-chest', modality: 'CT', label: 'CT Chest with contrast', description: 'Axial 512×512 slices from the thoracic inlet to the upper abdomen: lungs with vessels, heart and great vessels, spine, ribs', bodyPart: 'CHEST', defaultImages: 120, contrast: true },
  { id: 'ct-chest-wo', modality: 'CT', label: 'CT Chest without contrast', description: 'Axial 512×512 slices from the thoracic inlet to the upper abdomen, unenhanced: blood, heart chambers and vessels at their native ~40 HU', bodyPart: 'CHEST', defaultImages: 120, contrast: false },
  { id: 'ct-head', modality: 'CT', label: 'CT Head without contrast', description: 'Axial 512×512 slices from the vertex to the skull base: skull, grey and white matter, ventricles, posterior fossa, orbits', bodyPart: 'HEAD', defaultImages: 32, contrast: false },
  { id: 'ct-abdomen', modality: 'CT', label: 'CT Abdomen with contrast', description: 'Axial 512×512 slices from the liver dome to the iliac crests: liver, spleen, kidneys, pancreas, bowel, spine', bodyPart: 'ABDOMEN', defaultImages: 120, contrast: true },
  { id: 'ct-abdomen-wo', modality: 'CT', label: 'CT Abdomen without contrast', description: 'Axial 512×512 slices from the liver dome to the iliac crests, unenhanced (a stone or bleed search): liver, spleen and kidneys at their native attenuation', bodyPart: 'ABDOMEN', defaultImages: 120, contrast: false },
  { id: 'dx-chest-pa', modality: 'DX', label: 'XR Chest PA', description: 'Postero-anterior chest radiograph, 12-bit, with exposure index and deviation index (IEC 62494-1)', bodyPart: 'CHEST', defaultImages: 1 },
  { id: 'dx-chest-lat', modality: 'DX', label: 'XR Chest lateral', description: 'Left lateral chest radiograph, 12-bit, with exposure index and deviation index (IEC 62494-1)', bodyPart: 'CHEST', defaultImages: 1 },
  { id: 'dx-hand', modality: 'DX', label: 'XR Hand PA', description: 'Postero-anterior hand radiograph (left or right), 12-bit, with exposure index and deviation index', bodyPart: 'HAND', defaultImages: 1 },
  { id: 'mr-brain', modality: 'MR', label: 'MR Brain', description: 'Three axial 256×256 series: T1 spin echo, T2 turbo spin echo, T2 FLAIR', bodyPart: 'BRAIN', defaultImages: 60 },
  { id: 'mr-knee', modality: 'MR', label: 'MR Knee', description: 'Sagittal proton-density 256×256 series through the knee: femur, tibia, patella, menisci, cruciate ligaments', bodyPart: 'KNEE', defaultImages: 18 },
  { id: 'us-abdomen', modality: 'US', label: 'US Abdomen', description: 'Single-frame sector images of the right upper quadrant: liver, gallbladder, kidney, with speckle', bodyPart: 'ABDOMEN', defaultImages: 4 },
  { id: 'us-cardiac-cine', modality: 'US', label: 'US Echo apical 4-chamber cine', description: 'Multi-frame sector cine (32 frames at 32 frames/s, one beat at 60/min) of a beating heart in the apical four-chamber view', bodyPart: 'HEART', defaultImages: 1 },
];

export function protocolsFor(modality: GenModality): Protocol[] {
  return PROTOCOLS.filter((p) => p.modality === modality);
}

const CHEST_CT_WORDS = /\b(CHEST|THORAX|THORACIC|LUNGS?|PULMONARY)\b/;
const ABDOMEN_WORDS = 'ABDOMEN|ABDOMINAL|ABD|PELVIS|LIVER|RENAL|KIDNEYS?';

/** The words of a requested procedure that name each protocol's anatomy (upper case, as worklists carry them). */
const PROTOCOL_WORDS: Record<string, RegExp> = {
  'ct-chest': CHEST_CT_WORDS,
  'ct-chest-wo': CHEST_CT_WORDS,
  'ct-head': /\b(HEAD|BRAIN|SKULL|CRANI\w*)\b/,
  'ct-abdomen': new RegExp(`\\b(${ABDOMEN_WORDS})\\b`),
  'ct-abdomen-wo': new RegExp(`\\b(${ABDOMEN_WORDS}|STONE)\\b`), // a stone search is unenhanced
  'dx-chest-pa': /\b(CHEST|THORAX)\b/,
  'dx-chest-lat': /\b(CHEST|THORAX)\b(?=.*\b(LAT|LATERAL)\b)|\b(LAT|LATERAL)\b(?=.*\b(CHEST|THORAX)\b)/,
  'dx-hand': /\b(HAND|FINGERS?|WRIST)\b/,
  'mr-brain': /\b(BRAIN|HEAD)\b/,
  'mr-knee': /\bKNEE\b/,
  'us-abdomen': /\b(ABDOMEN|ABDOMINAL|ABD|RUQ|LIVER|GALLBLADDER|BILIARY|RENAL|KIDNEYS?)\b/,
  'us-cardiac-cine': /\b(ECHO\w*|CARDIAC|HEART|TTE)\b/,
};

/** "WITHOUT CONTRAST", "W/O", "WO" but not "WITH AND WITHOUT" (that exam is done with contrast). */
export function asksNoContrast(description: string): boolean {
  const d = description.toUpperCase();
  if (/\bWITH AND WITHOUT\b|\bW\s*(\/|AND)\s*WO\b|\bW\s*\/\s*W\s*\/?\s*O\b/.test(d)) return false;
  return /\bWITHOUT\b|\bW\/O\b|\bWO\b|\bNON[- ]?CONTRAST\b|\bUNENHANCED\b/.test(d);
}

/**
 * The protocol a technologist would choose for a requested procedure (a worklist item's description), among the
 * modality's: the one whose anatomy the description names first, and for a CT the phase it asks for (with or
 * without intravenous contrast). A lateral chest radiograph needs "LAT" in the description. Undefined when
 * nothing matches (the console then offers the modality's first protocol).
 */
export function suggestProtocol(modality: GenModality, description: string | undefined): Protocol | undefined {
  const d = (description ?? '').toUpperCase();
  if (!d.trim()) return undefined;
  const noContrast = asksNoContrast(d);
  let best: { p: Protocol; at: number; score: number } | undefined;
  for (const p of protocolsFor(modality)) {
    const m = PROTOCOL_WORDS[p.id]?.exec(d);
    if (!m) continue;
    // named at the same place: a lateral chest film when the description asks for one alone (its words match only
    // with LAT in it), and the CT of the contrast phase asked for
    let score = 0;
    if (p.id === 'dx-chest-lat') score += /\b(PA|AP|FRONTAL)\b/.test(d) ? -1 : 1; // "PA AND LATERAL": the PA first
    if (p.contrast !== undefined) score += p.contrast === !noContrast ? 1 : -1;
    if (!best || m.index < best.at || (m.index === best.at && score > best.score)) best = { p, at: m.index, score };
  }
  return best?.p;
}

export interface GenerateRequest {
  protocolId: string;
  /** same request + same seed ⇒ identical bytes */
  seed: number;
  /** CT only: number of axial slices (1..1000), default protocol.defaultImages */
  slices?: number;
  /** acquisition date/time (default new Date()); part of determinism */
  now?: Date;
  patient: { patientName: string; patientId: string; patientBirthDate?: string; patientSex?: string };
  study?: {
    studyInstanceUid?: string;
    accessionNumber?: string;
    studyDescription?: string;
    referringPhysicianName?: string;
    requestedProcedureId?: string;
    requestedProcedureDescription?: string;
    scheduledProcedureStepId?: string;
    scheduledProcedureStepDescription?: string;
    studyId?: string;
  };
  station?: { aeTitle?: string; stationName?: string; institutionName?: string };
  performedProcedureStepId?: string;
  /** the MPPS instance of the acquisition, if one was created: referenced from every image (PS3.3 C.7.3.1) */
  mppsSopInstanceUid?: string;
}

export interface GeneratedImage {
  sopInstanceUid: string;
  sopClassUid: string;
  seriesInstanceUid: string;
  seriesNumber: number;
  seriesDescription: string;
  instanceNumber: number;
  /** complete DICOM Part 10 file, explicit VR little endian */
  bytes: Buffer;
}

export interface GeneratedStudy {
  studyInstanceUid: string;
  protocol: Protocol;
  images: GeneratedImage[];
}

/** A request the generator cannot honour, with the reason in words (bad protocol, slice count, UID …). */
export class GenerateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GenerateError';
  }
}

// PS3.5 Table 6.2-1 value lengths: LO 64, SH 16, PN 64 per component group, CS 16, DA 8
const lo = z.string().max(64, 'at most 64 characters (VR LO)').refine((s) => !/[\\\r\n]/.test(s), 'no backslash or line break');
const sh = z.string().max(16, 'at most 16 characters (VR SH)').refine((s) => !/[\\\r\n]/.test(s), 'no backslash or line break');
const pn = z.string().max(64, 'at most 64 characters (VR PN)').refine((s) => !/[\\\r\n]/.test(s), 'no backslash or line break');
const uid = z.string().refine(isValidUid, 'not a valid UID (PS3.5 9.1: digits and dots, at most 64 characters)');
const ae = z.string().min(1).max(16, 'at most 16 characters (VR AE)').refine((s) => !/[\\]/.test(s), 'no backslash');

const requestSchema = z.object({
  protocolId: z.string(),
  seed: z.number().int('a whole number').min(0, 'not negative').max(Number.MAX_SAFE_INTEGER),
  slices: z.number().int('a whole number').min(1, 'at least 1').max(1000, 'at most 1000').optional(),
  now: z.date().refine((d) => !Number.isNaN(d.getTime()), 'not a valid date').optional(),
  patient: z.object({
    patientName: pn.min(1, 'the patient name is required'),
    patientId: lo.min(1, 'the patient ID is required'),
    patientBirthDate: z.string().regex(/^(\d{8})?$/, 'YYYYMMDD (VR DA)').optional(),
    patientSex: z.enum(['M', 'F', 'O', '']).optional(),
  }),
  study: z.object({
    studyInstanceUid: uid.optional(),
    accessionNumber: sh.optional(),
    studyDescription: lo.optional(),
    referringPhysicianName: pn.optional(),
    requestedProcedureId: sh.optional(),
    requestedProcedureDescription: lo.optional(),
    scheduledProcedureStepId: sh.optional(),
    scheduledProcedureStepDescription: lo.optional(),
    studyId: sh.optional(),
  }).optional(),
  station: z.object({ aeTitle: ae.optional(), stationName: sh.optional(), institutionName: lo.optional() }).optional(),
  performedProcedureStepId: sh.optional(),
  mppsSopInstanceUid: uid.optional(),
});

function validate(req: GenerateRequest): { req: GenerateRequest; protocol: Protocol } {
  const r = requestSchema.safeParse(req);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new GenerateError(`${issue.path.join('.') || 'request'}: ${issue.message}`);
  }
  const protocol = PROTOCOLS.find((p) => p.id === req.protocolId);
  if (!protocol) throw new GenerateError(`unknown protocol "${req.protocolId}": use one of ${PROTOCOLS.map((p) => p.id).join(', ')}`);
  if (req.slices !== undefined && protocol.modality !== 'CT') throw new GenerateError(`slices applies to CT protocols only (${protocol.id} is ${protocol.modality})`);
  return { req, protocol };
}

export function generateStudy(req: GenerateRequest): GeneratedStudy {
  const { protocol } = validate(req);
  const ctx = makeContext(req, protocol);
  const images =
    protocol.modality === 'CT' ? generateCt(ctx) : protocol.modality === 'DX' ? generateDx(ctx) : protocol.modality === 'MR' ? generateMr(ctx) : generateUs(ctx);
  return { studyInstanceUid: ctx.studyInstanceUid, protocol, images };
}

/** Generates the study and writes one file per image into `dir` (created if needed), names sorting in acquisition order. */
export async function writeStudy(req: GenerateRequest, dir: string): Promise<{ studyInstanceUid: string; files: { path: string; image: Omit<GeneratedImage, 'bytes'> }[] }> {
  const study = generateStudy(req);
  await mkdir(dir, { recursive: true });
  const files: { path: string; image: Omit<GeneratedImage, 'bytes'> }[] = [];
  for (const { bytes, ...image } of study.images) {
    const name = `${study.protocol.modality}_S${String(image.seriesNumber).padStart(3, '0')}_I${String(image.instanceNumber).padStart(4, '0')}.dcm`;
    const path = join(dir, name);
    await writeFile(path, bytes);
    files.push({ path, image });
  }
  return { studyInstanceUid: study.studyInstanceUid, files };
}
