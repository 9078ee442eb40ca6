// Accept header negotiation for WADO-RS (PS3.18 8.7: media types, the `type` parameter of multipart/related,
// the `transfer-syntax` parameter and its `*` wildcard; quality values order the choices, RFC 9110 12.5.1).

export interface MediaRange {
  /** lower-cased media type, e.g. multipart/related, application/dicom, image/png, *\/* */
  type: string;
  /** lower-cased parameter names; values unquoted */
  params: Record<string, string>;
  q: number;
}

/** Splits on commas outside quoted strings. */
function splitOutsideQuotes(s: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const c of s) {
    if (c === '"') quoted = !quoted;
    if (c === sep && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/** The media ranges of an Accept header, best first (missing or empty header: `*\/*`). */
export function parseAccept(header: string | null | undefined): MediaRange[] {
  const ranges: MediaRange[] = [];
  for (const part of splitOutsideQuotes(header?.trim() || '*/*', ',')) {
    const [typePart, ...paramParts] = splitOutsideQuotes(part, ';');
    const type = typePart.trim().toLowerCase();
    if (!type) continue;
    const params: Record<string, string> = {};
    let q = 1;
    for (const p of paramParts) {
      const eq = p.indexOf('=');
      if (eq < 0) continue;
      const name = p.slice(0, eq).trim().toLowerCase();
      const value = p.slice(eq + 1).trim().replace(/^"|"$/g, '');
      if (name === 'q') q = Number.isFinite(Number(value)) ? Number(value) : 1;
      else params[name] = value;
    }
    if (q > 0) ranges.push({ type, params, q });
  }
  return ranges.map((r, i) => ({ r, i })).sort((a, b) => b.r.q - a.r.q || a.i - b.i).map((x) => x.r);
}

/** `multipart/related; type=X` ranges give X as the part type; `*\/*` and `multipart/*` accept the default. */
export function partTypeOf(r: MediaRange, defaultPartType: string): string | undefined {
  if (r.type === '*/*' || r.type === 'multipart/*') return defaultPartType;
  if (r.type === 'multipart/related') return (r.params.type ?? defaultPartType).toLowerCase();
  return undefined;
}

/** Media types of compressed pixel data by transfer syntax (PS3.18 Table 8.7.3-5). */
export const PIXEL_MEDIA_TYPES: Record<string, string> = {
  '1.2.840.10008.1.2.4.50': 'image/jpeg',
  '1.2.840.10008.1.2.4.51': 'image/jpeg',
  '1.2.840.10008.1.2.4.57': 'image/jpeg',
  '1.2.840.10008.1.2.4.70': 'image/jpeg',
  '1.2.840.10008.1.2.4.80': 'image/jls',
  '1.2.840.10008.1.2.4.81': 'image/jls',
  '1.2.840.10008.1.2.4.90': 'image/jp2',
  '1.2.840.10008.1.2.4.91': 'image/jp2',
  '1.2.840.10008.1.2.4.92': 'image/jpx',
  '1.2.840.10008.1.2.4.93': 'image/jpx',
  '1.2.840.10008.1.2.4.201': 'image/jphc',
  '1.2.840.10008.1.2.4.202': 'image/jphc',
  '1.2.840.10008.1.2.4.203': 'image/jphc',
  '1.2.840.10008.1.2.5': 'image/dicom-rle',
};
