import dimse from 'dcmjs-dimse';
import { describe, expect, it } from 'vitest';
import { decodeCommandSet, encodeCommandSet } from './commandSet';

const { Dataset, requests, responses } = dimse;

function storeRequest() {
  const r = new (requests.CStoreRequest as unknown as new () => InstanceType<typeof requests.CStoreRequest>)();
  // the typings say string; dcmjs-dimse stores numbers for US elements
  const c = r.getCommandDataset() as unknown as { setElement(k: string, v: unknown): void };
  c.setElement('AffectedSOPClassUID', '1.2.840.10008.5.1.4.1.1.2');
  c.setElement('AffectedSOPInstanceUID', '1.2.3.4.5');
  c.setElement('MessageID', 7);
  c.setElement('Priority', 0);
  c.setElement('MoveOriginatorApplicationEntityTitle', 'ABC');
  c.setElement('MoveOriginatorMessageID', 3);
  return r;
}

describe('command set codec', () => {
  it('encodes byte for byte what dcmjs encodes', () => {
    const store = storeRequest();
    const response = responses.CStoreResponse.fromRequest(store);
    response.setStatus(0xa700);
    response.setErrorComment('quota exceeded');
    const find = responses.CFindResponse.fromRequest(new requests.CFindRequest() as never);
    find.setStatus(0xff00);
    for (const m of [store, response, find, new requests.NActionRequest('1.2.840.10008.1.20.1', '1.2.840.10008.1.20.1.1', 1)]) {
      const elements = m.getCommandDataset().getElements();
      expect(encodeCommandSet(elements)).toEqual(m.getCommandDataset().getDenaturalizedCommandDataset());
    }
  });

  it('decodes to what dcmjs decodes', () => {
    const bytes = storeRequest().getCommandDataset().getDenaturalizedCommandDataset();
    expect(decodeCommandSet(bytes)).toEqual(new Dataset(bytes).getElements());
  });

  it('leaves anything outside the command dictionary to dcmjs', () => {
    expect(encodeCommandSet({ CommandField: 1, PatientName: 'X' })).toBeUndefined();
    expect(encodeCommandSet({ CommandField: 70000 })).toBeUndefined();
    // (0000,0001) Command Length to End, retired
    expect(decodeCommandSet(Buffer.from('0000010004000000000000000000', 'hex'))).toBeUndefined();
    expect(decodeCommandSet(Buffer.from('000000000400', 'hex'))).toBeUndefined();
  });
});
