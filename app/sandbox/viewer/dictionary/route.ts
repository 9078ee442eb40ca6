// The DICOM data dictionary (PS3.6, as dcmjs ships it) for the viewer's tag inspector: tag → [keyword, VR, VM].
// DICOM JSON (PS3.18 F.2) carries tags and VRs but no keywords, and bundling dcmjs into the browser for its
// dictionary alone would cost far more than this one cached response.
import dcmjs from 'dcmjs';

export const dynamic = 'force-static';

export function GET() {
  const out: Record<string, [string, string, string]> = {};
  // dcmjs's `dictionary` answers look-ups but does not enumerate; its `nameMap` (keyword → entry) does
  for (const e of Object.values(dcmjs.data.DicomMetaDictionary.nameMap)) {
    const tag = e.tag.replace(/[(),]/g, '').toUpperCase();
    // repeating groups ("60xx") and private entries are not single tags
    if (!/^[0-9A-F]{8}$/.test(tag) || !e.name) continue;
    out[tag] = [e.name, e.vr === 'ox' ? 'OB or OW' : e.vr === 'xs' ? 'US or SS' : e.vr, e.vm];
  }
  return Response.json(out, { headers: { 'cache-control': 'public, max-age=86400' } });
}
