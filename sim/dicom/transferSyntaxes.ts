// Transfer syntaxes (PS3.5 Section 10 and Annex A; UIDs from PS3.6 Annex A). The archive stores every one of
// them as received, so "supported" here means "accepted and kept byte for byte", not "decoded".

export interface TransferSyntax {
  uid: string;
  name: string;
  keyword: string;
  /** the encoder may discard information (PS3.5 8.2: lossy compression) */
  lossy: boolean;
  /** pixel data is encapsulated (PS3.5 A.4) */
  encapsulated: boolean;
  explicitVr: boolean;
  littleEndian: boolean;
  /** the whole data set is deflated (PS3.5 A.5) */
  deflated: boolean;
  cite: string;
}

function ts(uid: string, keyword: string, name: string, o: Partial<TransferSyntax> & { cite: string }): TransferSyntax {
  return { uid, keyword, name, lossy: false, encapsulated: true, explicitVr: true, littleEndian: true, deflated: false, ...o };
}

export const IMPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2';
export const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
export const EXPLICIT_VR_BIG_ENDIAN = '1.2.840.10008.1.2.2';
export const DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1.99';

export const TRANSFER_SYNTAXES: readonly TransferSyntax[] = [
  ts(IMPLICIT_VR_LITTLE_ENDIAN, 'ImplicitVRLittleEndian', 'Implicit VR Little Endian', { encapsulated: false, explicitVr: false, cite: 'PS3.5 A.1' }),
  ts(EXPLICIT_VR_LITTLE_ENDIAN, 'ExplicitVRLittleEndian', 'Explicit VR Little Endian', { encapsulated: false, cite: 'PS3.5 A.2' }),
  ts(DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN, 'DeflatedExplicitVRLittleEndian', 'Deflated Explicit VR Little Endian', { encapsulated: false, deflated: true, cite: 'PS3.5 A.5' }),
  ts(EXPLICIT_VR_BIG_ENDIAN, 'ExplicitVRBigEndian', 'Explicit VR Big Endian (retired)', { encapsulated: false, littleEndian: false, cite: 'PS3.5 A.3' }),
  ts('1.2.840.10008.1.2.4.50', 'JPEGBaseline8Bit', 'JPEG Baseline (Process 1)', { lossy: true, cite: 'PS3.5 A.4.1' }),
  ts('1.2.840.10008.1.2.4.51', 'JPEGExtended12Bit', 'JPEG Extended (Process 2 & 4)', { lossy: true, cite: 'PS3.5 A.4.1' }),
  ts('1.2.840.10008.1.2.4.57', 'JPEGLossless', 'JPEG Lossless, Non-Hierarchical (Process 14)', { cite: 'PS3.5 A.4.1' }),
  ts('1.2.840.10008.1.2.4.70', 'JPEGLosslessSV1', 'JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 [Selection Value 1])', { cite: 'PS3.5 A.4.1' }),
  ts('1.2.840.10008.1.2.4.80', 'JPEGLSLossless', 'JPEG-LS Lossless Image Compression', { cite: 'PS3.5 A.4.3' }),
  ts('1.2.840.10008.1.2.4.81', 'JPEGLSNearLossless', 'JPEG-LS Lossy (Near-Lossless) Image Compression', { lossy: true, cite: 'PS3.5 A.4.3' }),
  ts('1.2.840.10008.1.2.4.90', 'JPEG2000Lossless', 'JPEG 2000 Image Compression (Lossless Only)', { cite: 'PS3.5 A.4.4' }),
  ts('1.2.840.10008.1.2.4.91', 'JPEG2000', 'JPEG 2000 Image Compression', { lossy: true, cite: 'PS3.5 A.4.4' }),
  ts('1.2.840.10008.1.2.4.201', 'HTJ2KLossless', 'High-Throughput JPEG 2000 Image Compression (Lossless Only)', { cite: 'PS3.5 A.4.11' }),
  ts('1.2.840.10008.1.2.4.202', 'HTJ2KLosslessRPCL', 'High-Throughput JPEG 2000 with RPCL Options Image Compression (Lossless Only)', { cite: 'PS3.5 A.4.11' }),
  ts('1.2.840.10008.1.2.4.203', 'HTJ2K', 'High-Throughput JPEG 2000 Image Compression', { lossy: true, cite: 'PS3.5 A.4.11' }),
  ts('1.2.840.10008.1.2.5', 'RLELossless', 'RLE Lossless', { cite: 'PS3.5 A.4.2' }),
];

const BY_UID = new Map(TRANSFER_SYNTAXES.map((t) => [t.uid, t]));

export function transferSyntax(uid: string): TransferSyntax | undefined {
  return BY_UID.get(uid);
}

export function isSupportedTransferSyntax(uid: string): boolean {
  return BY_UID.has(uid);
}

export function transferSyntaxName(uid: string): string {
  return BY_UID.get(uid)?.name ?? uid;
}

/** Syntaxes every implementation must accept or may fall back to (PS3.5 10.1: Implicit VR LE is the default). */
export const UNCOMPRESSED_TRANSFER_SYNTAXES: readonly string[] = [
  EXPLICIT_VR_LITTLE_ENDIAN,
  IMPLICIT_VR_LITTLE_ENDIAN,
];
