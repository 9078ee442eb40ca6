// Small display helpers for the viewer (pure): window presets, names and dates as the overlays show them.

export interface Preset {
  name: string;
  /** window width and center (PS3.3 C.11.2.1.2) */
  ww: number;
  wc: number;
}

/** CT presets in Hounsfield units, as reading rooms use them. */
export const CT_PRESETS: readonly Preset[] = [
  { name: 'Soft tissue', ww: 400, wc: 40 },
  { name: 'Lung', ww: 1500, wc: -600 },
  { name: 'Bone', ww: 2000, wc: 300 },
  { name: 'Brain', ww: 80, wc: 40 },
];

/** `DOE^JANE^M` → `DOE, JANE M` (PS3.5 6.2.1.1: family^given^middle^prefix^suffix). */
export function formatName(pn: string): string {
  const [family = '', given = '', middle = ''] = (pn.split('=')[0] ?? '').split('^');
  const rest = [given, middle].filter(Boolean).join(' ');
  return rest ? `${family}, ${rest}` : family;
}

export function formatDicomDateShort(da: string): string {
  return /^\d{8}$/.test(da) ? `${da.slice(0, 4)}-${da.slice(4, 6)}-${da.slice(6, 8)}` : da;
}

/**
 * Lossy Image Compression Method (0028,2114) defined terms (PS3.3 C.7.6.1.1.5), from the transfer syntax when the
 * header does not say: what a lossy banner names.
 */
export function lossyMethodName(transferSyntaxUid: string | undefined): string | undefined {
  switch (transferSyntaxUid) {
    case '1.2.840.10008.1.2.4.50':
    case '1.2.840.10008.1.2.4.51':
      return 'ISO_10918_1 (JPEG)';
    case '1.2.840.10008.1.2.4.81':
      return 'ISO_14495_1 (JPEG-LS near-lossless)';
    case '1.2.840.10008.1.2.4.91':
      return 'ISO_15444_1 (JPEG 2000)';
    case '1.2.840.10008.1.2.4.203':
      return 'ISO_15444_15 (HTJ2K)';
    default:
      return undefined;
  }
}
