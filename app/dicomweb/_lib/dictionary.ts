// Keyword ↔ tag ↔ VR look-ups for DICOMweb query parameters and JSON (PS3.18 8.3.4.1: an attribute is named
// by its keyword or by its tag as eight hex digits). The data dictionary is dcmjs's, generated from PS3.6.
import dcmjs from 'dcmjs';

const D = dcmjs.data.DicomMetaDictionary;

export interface AttributeInfo {
  /** eight upper-case hex digits, e.g. 00100010 */
  tag: string;
  keyword: string;
  vr: string;
}

function fromEntry(e: { tag: string; vr: string; name: string }): AttributeInfo {
  const tag = e.tag.replace(/[(),]/g, '').toUpperCase();
  // dcmjs writes "ox"/"xs" for VRs that depend on the data (PS3.6: OB or OW, US or SS)
  const vr = e.vr === 'ox' ? 'OW' : e.vr === 'xs' ? 'US' : e.vr === 'US or SS' ? 'US' : e.vr;
  return { tag, keyword: e.name, vr };
}

/** The attribute named by a keyword (`PatientName`) or a tag (`00100010`), or undefined if unknown. */
export function attribute(nameOrTag: string): AttributeInfo | undefined {
  if (/^[0-9A-Fa-f]{8}$/.test(nameOrTag)) {
    const t = nameOrTag.toUpperCase();
    const e = D.dictionary[`(${t.slice(0, 4)},${t.slice(4)})`];
    return e ? fromEntry(e) : undefined;
  }
  const e = D.nameMap[nameOrTag];
  return e ? fromEntry(e) : undefined;
}

export function tagOf(keyword: string): string | undefined {
  return attribute(keyword)?.tag;
}

export function keywordOf(tag: string): string | undefined {
  return attribute(tag)?.keyword;
}
