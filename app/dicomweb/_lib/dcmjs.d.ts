// The small part of dcmjs (0.52, untyped) that DICOMweb uses: reading a Part 10 file into the DICOM JSON-like
// "dict" form (tag → { vr, Value }), and the data dictionary.
declare module 'dcmjs' {
  export interface DcmjsElement {
    vr: string;
    Value?: unknown[];
    InlineBinary?: string;
    BulkDataURI?: string;
    _rawValue?: unknown;
  }
  export type DcmjsDict = Record<string, DcmjsElement>;
  export interface DicomDictEntry {
    tag: string;
    vr: string;
    vm: string;
    name: string;
  }
  const dcmjs: {
    data: {
      DicomMessage: {
        readFile(
          buffer: ArrayBuffer,
          options?: { untilTag?: string; includeUntilTagValue?: boolean; ignoreErrors?: boolean; forceStoreRaw?: boolean },
        ): { meta: DcmjsDict; dict: DcmjsDict };
      };
      DicomMetaDictionary: {
        dictionary: Record<string, DicomDictEntry>;
        nameMap: Record<string, DicomDictEntry>;
      };
    };
    log: { setLevel(level: string): void };
  };
  export default dcmjs;
}
