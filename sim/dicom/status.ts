// DIMSE status codes as data (PS3.7 Annex C; service-specific codes in PS3.4), in the manner of pynetdicom's
// status.py. `describeStatus` turns any (0000,0900) Status value into words for the network log.

export type StatusCategory = 'success' | 'warning' | 'failure' | 'cancel' | 'pending';

export interface StatusEntry {
  code: number;
  category: StatusCategory;
  meaning: string;
  cite: string;
}

/** Codes meaningful to every DIMSE service (PS3.7 C.1-C.5). */
export const GENERAL_STATUSES: readonly StatusEntry[] = [
  { code: 0x0000, category: 'success', meaning: 'Success', cite: 'PS3.7 C.1.1' },
  { code: 0xfe00, category: 'cancel', meaning: 'Cancel: sub-operations terminated due to Cancel indication', cite: 'PS3.7 C.3.1' },
  { code: 0xff00, category: 'pending', meaning: 'Pending: matches are continuing', cite: 'PS3.7 C.5.1' },
  { code: 0xff01, category: 'pending', meaning: 'Pending: matches are continuing, but one or more Optional Keys were not supported', cite: 'PS3.4 C.4.1.1.4' },
  { code: 0x0107, category: 'warning', meaning: 'Attribute list error', cite: 'PS3.7 C.4.2' },
  { code: 0x0116, category: 'warning', meaning: 'Attribute value out of range', cite: 'PS3.7 C.4.3' },
  { code: 0x0001, category: 'warning', meaning: 'Requested optional attributes are not supported', cite: 'PS3.7 C.4.1' },
  { code: 0x0105, category: 'failure', meaning: 'No such attribute', cite: 'PS3.7 C.5.7' },
  { code: 0x0106, category: 'failure', meaning: 'Invalid attribute value', cite: 'PS3.7 C.5.8' },
  { code: 0x0110, category: 'failure', meaning: 'Processing failure', cite: 'PS3.7 C.5.3' },
  { code: 0x0111, category: 'failure', meaning: 'Duplicate SOP Instance', cite: 'PS3.7 C.5.9' },
  { code: 0x0112, category: 'failure', meaning: 'No such SOP Instance', cite: 'PS3.7 C.5.10' },
  { code: 0x0113, category: 'failure', meaning: 'No such event type', cite: 'PS3.7 C.5.13' },
  { code: 0x0114, category: 'failure', meaning: 'No such argument', cite: 'PS3.7 C.5.14' },
  { code: 0x0115, category: 'failure', meaning: 'Invalid argument value', cite: 'PS3.7 C.5.15' },
  { code: 0x0117, category: 'failure', meaning: 'Invalid object instance', cite: 'PS3.7 C.5.17' },
  { code: 0x0118, category: 'failure', meaning: 'No such SOP Class', cite: 'PS3.7 C.5.11' },
  { code: 0x0119, category: 'failure', meaning: 'Class-instance conflict', cite: 'PS3.7 C.5.12' },
  { code: 0x0120, category: 'failure', meaning: 'Missing attribute', cite: 'PS3.7 C.5.18' },
  { code: 0x0121, category: 'failure', meaning: 'Missing attribute value', cite: 'PS3.7 C.5.19' },
  { code: 0x0122, category: 'failure', meaning: 'Refused: SOP Class not supported', cite: 'PS3.7 C.5.20' },
  { code: 0x0123, category: 'failure', meaning: 'No such action', cite: 'PS3.7 C.5.16' },
  { code: 0x0124, category: 'failure', meaning: 'Refused: not authorized', cite: 'PS3.7 C.5.21' },
  { code: 0x0210, category: 'failure', meaning: 'Duplicate invocation', cite: 'PS3.7 C.5.4' },
  { code: 0x0211, category: 'failure', meaning: 'Unrecognized operation', cite: 'PS3.7 C.5.6' },
  { code: 0x0212, category: 'failure', meaning: 'Mistyped argument', cite: 'PS3.7 C.5.5' },
  { code: 0x0213, category: 'failure', meaning: 'Resource limitation', cite: 'PS3.7 C.5.22' },
];

/** Storage and Query/Retrieve codes (PS3.4 Annex B and C). */
export const SERVICE_STATUSES: readonly StatusEntry[] = [
  // Storage, PS3.4 B.2.3
  { code: 0xa700, category: 'failure', meaning: 'Refused: out of resources', cite: 'PS3.4 B.2.3' },
  { code: 0xa900, category: 'failure', meaning: 'Error: data set does not match SOP Class', cite: 'PS3.4 B.2.3' },
  // B000 is also C-MOVE/C-GET "sub-operations complete, one or more failures" (PS3.4 C.4.2.1.5)
  { code: 0xb000, category: 'warning', meaning: 'Coercion of data elements (storage) / sub-operations complete with one or more failures (retrieve)', cite: 'PS3.4 B.2.3, C.4.2.1.5' },
  { code: 0xb007, category: 'warning', meaning: 'Data set does not match SOP Class', cite: 'PS3.4 B.2.3' },
  { code: 0xb006, category: 'warning', meaning: 'Elements discarded', cite: 'PS3.4 B.2.3' },
  // Query/Retrieve, PS3.4 C.4.1.1.4 (C-FIND), C.4.2.1.5 (C-MOVE), C.4.3.1.4 (C-GET)
  { code: 0xa701, category: 'failure', meaning: 'Refused: out of resources, unable to calculate number of matches', cite: 'PS3.4 C.4.2.1.5' },
  { code: 0xa702, category: 'failure', meaning: 'Refused: out of resources, unable to perform sub-operations', cite: 'PS3.4 C.4.2.1.5' },
  { code: 0xa801, category: 'failure', meaning: 'Refused: move destination unknown', cite: 'PS3.4 C.4.2.1.5' },
];

/** Ranges whose exact low bits are implementation-specific (PS3.4 B.2.3, C.4.x). */
const RANGES: readonly { from: number; to: number; entry: Omit<StatusEntry, 'code'> }[] = [
  { from: 0xa700, to: 0xa7ff, entry: { category: 'failure', meaning: 'Refused: out of resources', cite: 'PS3.4 B.2.3' } },
  { from: 0xa900, to: 0xa9ff, entry: { category: 'failure', meaning: 'Error: data set does not match SOP Class', cite: 'PS3.4 B.2.3' } },
  { from: 0xc000, to: 0xcfff, entry: { category: 'failure', meaning: 'Error: cannot understand', cite: 'PS3.4 B.2.3' } },
];

/** Codes our own services answer with (named, so handlers never write a bare number). */
export const Status = {
  Success: 0x0000,
  Pending: 0xff00,
  PendingWarning: 0xff01,
  Cancel: 0xfe00,
  CoercionOfDataElements: 0xb000,
  ElementsDiscarded: 0xb006,
  DataSetDoesNotMatchSopClassWarning: 0xb007,
  OutOfResources: 0xa700,
  OutOfResourcesMatches: 0xa701,
  OutOfResourcesSubOperations: 0xa702,
  MoveDestinationUnknown: 0xa801,
  DataSetDoesNotMatchSopClass: 0xa900,
  CannotUnderstand: 0xc000,
  /** the data set could not be decoded (pynetdicom: C210) */
  CannotDecodeDataset: 0xc210,
  /** pynetdicom's habit for a C-STORE handler that threw: "Cannot understand" range, C211 */
  StoreHandlerFailed: 0xc211,
  /** a C-FIND/C-MOVE/C-GET handler that threw (pynetdicom uses C311/C511/C411) */
  FindHandlerFailed: 0xc311,
  MoveHandlerFailed: 0xc511,
  GetHandlerFailed: 0xc411,
  ProcessingFailure: 0x0110,
  DuplicateSopInstance: 0x0111,
  NoSuchSopInstance: 0x0112,
  NoSuchSopClass: 0x0118,
  SopClassNotSupported: 0x0122,
  NoSuchActionType: 0x0123,
  UnrecognizedOperation: 0x0211,
  InvalidArgumentValue: 0x0115,
  MissingAttribute: 0x0120,
  NoSuchAttribute: 0x0105,
  InvalidAttributeValue: 0x0106,
  MissingAttributeValue: 0x0121,
} as const;

const BY_CODE = new Map<number, StatusEntry>();
for (const e of [...GENERAL_STATUSES, ...SERVICE_STATUSES]) if (!BY_CODE.has(e.code)) BY_CODE.set(e.code, e);

/** The table entry for a code, exact match first, then the PS3.4 ranges; undefined if unknown. */
export function lookupStatus(code: number): StatusEntry | undefined {
  const exact = BY_CODE.get(code);
  if (exact) return exact;
  const range = RANGES.find((r) => code >= r.from && code <= r.to);
  return range ? { code, ...range.entry } : undefined;
}

export function statusCategory(code: number): StatusCategory {
  const e = lookupStatus(code);
  if (e) return e.category;
  // PS3.7 C: Bxxx are warnings; Axxx and Cxxx failures; anything else unknown is treated as failure
  if (code >= 0xb000 && code <= 0xbfff) return 'warning';
  return 'failure';
}

export function formatStatusCode(code: number): string {
  return code.toString(16).toUpperCase().padStart(4, '0');
}

/** "0xA700 Refused: out of resources (failure, PS3.4 B.2.3)": what the network log shows. */
export function describeStatus(code: number): string {
  const e = lookupStatus(code);
  const hex = `0x${formatStatusCode(code)}`;
  if (!e) return `${hex} unknown status (${statusCategory(code)})`;
  return `${hex} ${e.meaning} (${e.category}, ${e.cite})`;
}
