// Per-sandbox association bound (issue 11): with MAX_ASSOCIATIONS_PER_SANDBOX=2, a third association of one
// sandbox open at once is refused with A-ASSOCIATE-RJ rejected-transient / service-provider (presentation) /
// local-limit-exceeded (PS3.8 9.3.4), logged in the network log in words, while another sandbox is served.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureUserSandbox } from '../sandboxes';
import { runDcmtk } from '../testing/dcmtk';
import { eventually } from '../testing/eventually';
import { startSandboxHarness, type SandboxHarness } from '../testing/sandboxHarness';
import { DEFAULT_MAX_ASSOCIATIONS_PER_SANDBOX, maxAssociationsPerSandbox } from './sandboxLimits';
import { associateRq, proposeContexts } from './storeScu';

let h: SandboxHarness;
let studentArchive: string;
const previous = process.env.MAX_ASSOCIATIONS_PER_SANDBOX;

beforeAll(async () => {
  h = await startSandboxHarness();
  await h.t.db.user.create({ data: { id: 'stu', name: 'Stu Dent', email: 'stu@test' } });
  studentArchive = (await ensureUserSandbox(h.t.db, 'stu', { host: '127.0.0.1', port: h.services.port })).aes.archive;
  // read at each association: this process's listener takes it at once
  process.env.MAX_ASSOCIATIONS_PER_SANDBOX = '2';
}, 60_000);

afterAll(async () => {
  if (previous === undefined) delete process.env.MAX_ASSOCIATIONS_PER_SANDBOX;
  else process.env.MAX_ASSOCIATIONS_PER_SANDBOX = previous;
  await h?.close();
});

/** Opens an association (Verification only) and keeps it open; resolves with the A-ASSOCIATE answer. */
function holdAssociation(calledAe: string): Promise<{ socket: net.Socket; accepted: boolean; rj?: [number, number, number] }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port: h.services.port }, () => {
      socket.write(associateRq('CT1', calledAe, proposeContexts([{ sopClassUid: '1.2.840.10008.1.1', transferSyntaxUid: '1.2.840.10008.1.2.1' }])));
    });
    let got = Buffer.alloc(0);
    socket.on('data', (d) => {
      got = Buffer.concat([got, d]);
      if (got.length < 10) return;
      socket.removeAllListeners('data');
      // PS3.8 9.3.3 A-ASSOCIATE-AC is type 02H; 9.3.4 A-ASSOCIATE-RJ is 03H with result, source, reason at bytes 7-9
      if (got[0] === 0x02) resolve({ socket, accepted: true });
      else resolve({ socket, accepted: false, rj: [got[7], got[8], got[9]] });
    });
    socket.on('error', reject);
  });
}

describe('MAX_ASSOCIATIONS_PER_SANDBOX', () => {
  it('reads the environment: default 20, a bad value refused in words', () => {
    expect(maxAssociationsPerSandbox({})).toBe(DEFAULT_MAX_ASSOCIATIONS_PER_SANDBOX);
    expect(maxAssociationsPerSandbox({ MAX_ASSOCIATIONS_PER_SANDBOX: ' 5 ' })).toBe(5);
    expect(() => maxAssociationsPerSandbox({ MAX_ASSOCIATIONS_PER_SANDBOX: '0' })).toThrow(/from 1 to 10000, not "0"/);
    expect(() => maxAssociationsPerSandbox({ MAX_ASSOCIATIONS_PER_SANDBOX: 'many' })).toThrow(/whole number/);
  });

  it('rejects the third concurrent association of a sandbox (transient, local limit exceeded); another sandbox is served', async () => {
    const held = [await holdAssociation('PACS'), await holdAssociation('RIS')];
    try {
      expect(held.map((a) => a.accepted)).toEqual([true, true]);
      // a raw third one: the reject's fields
      const third = await holdAssociation('PACS');
      third.socket.destroy();
      expect(third).toMatchObject({ accepted: false, rj: [2, 3, 2] });
      // DCMTK says the same in its words
      const dcmtk = await runDcmtk('echoscu', ['-v', '-aet', 'CT1', '-aec', 'PACS', '127.0.0.1', String(h.services.port)], { timeoutMs: 20_000 });
      expect(dcmtk.code).not.toBe(0);
      expect(dcmtk.stdout + dcmtk.stderr).toMatch(/Rejected Transient[\s\S]*Service Provider \(Presentation[\s\S]*Local Limit Exceeded/i);
      // another sandbox on the same listener is not affected
      const other = await runDcmtk('echoscu', ['-aet', 'CT1', '-aec', studentArchive, '127.0.0.1', String(h.services.port)], { timeoutMs: 20_000 });
      expect(other.code, other.stderr).toBe(0);
      // the refusal is in the demo's network log, in words
      await eventually(async () => {
        const rejected = await h.t.db.associationLog.findMany({ where: { sandboxId: h.sandboxId, outcome: 'rejected' } });
        expect(rejected.length).toBeGreaterThanOrEqual(2);
        for (const r of rejected) {
          expect(r.rejectReason).toContain('rejected-transient, service-provider (presentation): local-limit-exceeded (2)');
          expect(r.rejectReason).toContain('already has 2 associations open');
          expect(r.rejectReason).toContain('MAX_ASSOCIATIONS_PER_SANDBOX=2');
        }
      });
    } finally {
      for (const a of held) a.socket.destroy();
    }
    // once one ends, the sandbox is served again
    await eventually(async () => {
      const r = await runDcmtk('echoscu', ['-aet', 'CT1', '-aec', 'PACS', '127.0.0.1', String(h.services.port)], { timeoutMs: 20_000 });
      expect(r.code, r.stderr).toBe(0);
    }, { timeoutMs: 10_000, intervalMs: 200 });
  });
});
