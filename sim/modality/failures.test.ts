import { describe, expect, it } from 'vitest';
import { ScuError } from '../dimse/client';
import { describeFailure, dimseFailure, failureOf } from './failures';

const peer = { host: '127.0.0.1', port: 11199, callingAe: 'CT1', calledAe: 'PACS', timeoutMs: 10_000 };

describe('console failure texts', () => {
  it('names every association-level failure the way a console does', () => {
    const rejected = (source: number, reason: number, result = 1) =>
      describeFailure(failureOf(new ScuError({ kind: 'association-rejected', message: '', result, source, reason }), peer));
    expect(rejected(1, 3)).toBe("Association rejected by PACS: calling AE title not recognized (permanent) — check this scanner's AE title (CT1) and that the PACS knows it");
    expect(rejected(1, 7)).toBe("Association rejected by PACS: called AE title not recognized (permanent) — check the destination AE title (PACS) against the PACS's own");
    expect(rejected(1, 1, 2)).toMatch(/no reason given \(transient\)/);
    expect(rejected(3, 2, 2)).toMatch(/local limit exceeded \(transient\)/);
    expect(rejected(2, 2)).toMatch(/protocol version not supported/);
    expect(describeFailure(failureOf(new ScuError({ kind: 'connection-refused', message: '' }), peer))).toBe(
      'Connection refused by 127.0.0.1:11199 — nothing listens on that port: check the destination port and that the PACS is running',
    );
    expect(describeFailure(failureOf(new ScuError({ kind: 'timeout', message: '' }), peer, 'PACS to accept the association'))).toMatch(/^Timed out after 10 s waiting for PACS to accept the association/);
    expect(describeFailure(failureOf(new ScuError({ kind: 'aborted', message: '' }), peer))).toMatch(/^Association aborted by PACS at 127\.0\.0\.1:11199/);
    expect(failureOf(Object.assign(new Error('getaddrinfo ENOTFOUND nohost'), { code: 'ENOTFOUND' }), { ...peer, host: 'nohost' })).toMatchObject({ kind: 'network-error', detail: 'host name nohost not found' });
  });

  it('gives a DIMSE failure its code and meaning (PS3.4 B.2.3)', () => {
    expect(describeFailure(dimseFailure('C-STORE', 0xa700))).toBe('C-STORE failed: 0xA700 Refused: out of resources');
    expect(describeFailure(dimseFailure('C-STORE', 0xa7f3))).toBe('C-STORE failed: 0xA7F3 Refused: out of resources');
    expect(describeFailure(dimseFailure('N-CREATE', 0x0111))).toBe('N-CREATE failed: 0x0111 Duplicate SOP Instance');
    expect(describeFailure(dimseFailure('C-STORE', 0xc123))).toBe('C-STORE failed: 0xC123 Error: cannot understand');
  });
});
