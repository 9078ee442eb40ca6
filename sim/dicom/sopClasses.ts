// SOP classes the services know (PS3.4 B.5 Table B.5-1 for storage; PS3.6 Annex A for the UIDs).

export const VERIFICATION_SOP_CLASS = '1.2.840.10008.1.1'; // PS3.4 A.4
export const STORAGE_COMMITMENT_PUSH_MODEL_SOP_CLASS = '1.2.840.10008.1.20.1'; // PS3.4 J.3
/** Well-known SOP Instance UID of the Storage Commitment Push Model (PS3.4 J.3.5, PS3.6 A.1) */
export const STORAGE_COMMITMENT_PUSH_MODEL_SOP_INSTANCE = '1.2.840.10008.1.20.1.1';

export interface StorageSopClass {
  uid: string;
  name: string;
  /** keyword in the manner of PS3.6 Annex A */
  keyword: string;
  modality: string;
}

/** The image storage SOP classes the archive stores (PS3.4 Table B.5-1). */
export const STORAGE_SOP_CLASSES: readonly StorageSopClass[] = [
  { uid: '1.2.840.10008.5.1.4.1.1.1', keyword: 'ComputedRadiographyImageStorage', name: 'Computed Radiography Image Storage', modality: 'CR' },
  { uid: '1.2.840.10008.5.1.4.1.1.1.1', keyword: 'DigitalXRayImageStorageForPresentation', name: 'Digital X-Ray Image Storage - For Presentation', modality: 'DX' },
  { uid: '1.2.840.10008.5.1.4.1.1.1.1.1', keyword: 'DigitalXRayImageStorageForProcessing', name: 'Digital X-Ray Image Storage - For Processing', modality: 'DX' },
  { uid: '1.2.840.10008.5.1.4.1.1.1.2', keyword: 'DigitalMammographyXRayImageStorageForPresentation', name: 'Digital Mammography X-Ray Image Storage - For Presentation', modality: 'MG' },
  { uid: '1.2.840.10008.5.1.4.1.1.1.2.1', keyword: 'DigitalMammographyXRayImageStorageForProcessing', name: 'Digital Mammography X-Ray Image Storage - For Processing', modality: 'MG' },
  { uid: '1.2.840.10008.5.1.4.1.1.1.3', keyword: 'DigitalIntraOralXRayImageStorageForPresentation', name: 'Digital Intra-Oral X-Ray Image Storage - For Presentation', modality: 'IO' },
  { uid: '1.2.840.10008.5.1.4.1.1.1.3.1', keyword: 'DigitalIntraOralXRayImageStorageForProcessing', name: 'Digital Intra-Oral X-Ray Image Storage - For Processing', modality: 'IO' },
  { uid: '1.2.840.10008.5.1.4.1.1.2', keyword: 'CTImageStorage', name: 'CT Image Storage', modality: 'CT' },
  { uid: '1.2.840.10008.5.1.4.1.1.2.1', keyword: 'EnhancedCTImageStorage', name: 'Enhanced CT Image Storage', modality: 'CT' },
  { uid: '1.2.840.10008.5.1.4.1.1.2.2', keyword: 'LegacyConvertedEnhancedCTImageStorage', name: 'Legacy Converted Enhanced CT Image Storage', modality: 'CT' },
  { uid: '1.2.840.10008.5.1.4.1.1.3.1', keyword: 'UltrasoundMultiFrameImageStorage', name: 'Ultrasound Multi-frame Image Storage', modality: 'US' },
  { uid: '1.2.840.10008.5.1.4.1.1.4', keyword: 'MRImageStorage', name: 'MR Image Storage', modality: 'MR' },
  { uid: '1.2.840.10008.5.1.4.1.1.4.1', keyword: 'EnhancedMRImageStorage', name: 'Enhanced MR Image Storage', modality: 'MR' },
  { uid: '1.2.840.10008.5.1.4.1.1.4.3', keyword: 'EnhancedMRColorImageStorage', name: 'Enhanced MR Color Image Storage', modality: 'MR' },
  { uid: '1.2.840.10008.5.1.4.1.1.4.4', keyword: 'LegacyConvertedEnhancedMRImageStorage', name: 'Legacy Converted Enhanced MR Image Storage', modality: 'MR' },
  { uid: '1.2.840.10008.5.1.4.1.1.6.1', keyword: 'UltrasoundImageStorage', name: 'Ultrasound Image Storage', modality: 'US' },
  { uid: '1.2.840.10008.5.1.4.1.1.6.2', keyword: 'EnhancedUSVolumeStorage', name: 'Enhanced US Volume Storage', modality: 'US' },
  { uid: '1.2.840.10008.5.1.4.1.1.7', keyword: 'SecondaryCaptureImageStorage', name: 'Secondary Capture Image Storage', modality: 'OT' },
  { uid: '1.2.840.10008.5.1.4.1.1.7.1', keyword: 'MultiFrameSingleBitSecondaryCaptureImageStorage', name: 'Multi-frame Single Bit Secondary Capture Image Storage', modality: 'OT' },
  { uid: '1.2.840.10008.5.1.4.1.1.7.2', keyword: 'MultiFrameGrayscaleByteSecondaryCaptureImageStorage', name: 'Multi-frame Grayscale Byte Secondary Capture Image Storage', modality: 'OT' },
  { uid: '1.2.840.10008.5.1.4.1.1.7.3', keyword: 'MultiFrameGrayscaleWordSecondaryCaptureImageStorage', name: 'Multi-frame Grayscale Word Secondary Capture Image Storage', modality: 'OT' },
  { uid: '1.2.840.10008.5.1.4.1.1.7.4', keyword: 'MultiFrameTrueColorSecondaryCaptureImageStorage', name: 'Multi-frame True Color Secondary Capture Image Storage', modality: 'OT' },
  { uid: '1.2.840.10008.5.1.4.1.1.12.1', keyword: 'XRayAngiographicImageStorage', name: 'X-Ray Angiographic Image Storage', modality: 'XA' },
  { uid: '1.2.840.10008.5.1.4.1.1.12.1.1', keyword: 'EnhancedXAImageStorage', name: 'Enhanced XA Image Storage', modality: 'XA' },
  { uid: '1.2.840.10008.5.1.4.1.1.12.2', keyword: 'XRayRadiofluoroscopicImageStorage', name: 'X-Ray Radiofluoroscopic Image Storage', modality: 'RF' },
  { uid: '1.2.840.10008.5.1.4.1.1.12.2.1', keyword: 'EnhancedXRFImageStorage', name: 'Enhanced XRF Image Storage', modality: 'RF' },
  { uid: '1.2.840.10008.5.1.4.1.1.13.1.3', keyword: 'BreastTomosynthesisImageStorage', name: 'Breast Tomosynthesis Image Storage', modality: 'MG' },
  { uid: '1.2.840.10008.5.1.4.1.1.20', keyword: 'NuclearMedicineImageStorage', name: 'Nuclear Medicine Image Storage', modality: 'NM' },
  { uid: '1.2.840.10008.5.1.4.1.1.128', keyword: 'PositronEmissionTomographyImageStorage', name: 'Positron Emission Tomography Image Storage', modality: 'PT' },
  { uid: '1.2.840.10008.5.1.4.1.1.130', keyword: 'EnhancedPETImageStorage', name: 'Enhanced PET Image Storage', modality: 'PT' },
  { uid: '1.2.840.10008.5.1.4.1.1.128.1', keyword: 'LegacyConvertedEnhancedPETImageStorage', name: 'Legacy Converted Enhanced PET Image Storage', modality: 'PT' },
  { uid: '1.2.840.10008.5.1.4.1.1.481.1', keyword: 'RTImageStorage', name: 'RT Image Storage', modality: 'RTIMAGE' },
  { uid: '1.2.840.10008.5.1.4.1.1.77.1.4', keyword: 'VLPhotographicImageStorage', name: 'VL Photographic Image Storage', modality: 'XC' },
];

const STORAGE_BY_UID = new Map(STORAGE_SOP_CLASSES.map((c) => [c.uid, c]));

export function storageSopClass(uid: string): StorageSopClass | undefined {
  return STORAGE_BY_UID.get(uid);
}

export function isStorageSopClass(uid: string): boolean {
  return STORAGE_BY_UID.has(uid);
}

/** A readable name for any SOP class UID we know, else the UID itself. */
export function sopClassName(uid: string): string {
  if (uid === VERIFICATION_SOP_CLASS) return 'Verification SOP Class';
  if (uid === STORAGE_COMMITMENT_PUSH_MODEL_SOP_CLASS) return 'Storage Commitment Push Model SOP Class';
  return STORAGE_BY_UID.get(uid)?.name ?? uid;
}
