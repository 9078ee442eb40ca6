// An order arriving from the hospital system over HL7 v2 (MLLP) lands on the RIS and its worklist; a malformed
// message is rejected with a NAK and shows in the interface log with the reason.
import { connect } from 'node:net';
import { expect, test } from '@playwright/test';
import { E2E } from './env';
import { dcmtk } from './dicom';
import { shot } from './helpers';

function mllp(message: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: E2E.hl7Port });
    let reply = Buffer.alloc(0);
    socket.setTimeout(10_000, () => reject(new Error('no ACK within 10 s')));
    socket.on('error', reject);
    socket.on('data', (chunk) => {
      reply = Buffer.concat([reply, chunk]);
      const end = reply.indexOf(0x1c);
      if (end >= 0) {
        socket.end();
        resolve(reply.subarray(1, end).toString('latin1'));
      }
    });
    socket.on('connect', () => socket.write(Buffer.concat([Buffer.from([0x0b]), Buffer.from(message.replaceAll('\n', '\r'), 'latin1'), Buffer.from([0x1c, 0x0d])])));
  });
}

test('an ORM^O01 over MLLP is acknowledged, appears on the worklist, and a malformed message is rejected', async ({ page }) => {
  const now = new Date();
  const day = now.toISOString().slice(0, 10).replaceAll('-', '');
  const id = `E2E${Date.now().toString(36).toUpperCase()}`;
  const orm = [
    `MSH|^~\\&|HIS|GENERAL|RIS|RAD|${day}120000||ORM^O01|${id}|P|2.3`,
    `PID|1||MRN${id}^^^GENERAL||HL7TEST^OLIVIA||19700101|F`,
    `ORC|NW|P${id}|||||^^^${day}235000`,
    `OBR|1|P${id}||CTCHEST^CT CHEST WITHOUT CONTRAST^L|||${day}235000||||||||WATSON^JOHN||||||||CT||||||||||Persistent cough`,
  ].join('\n');
  const ack = await mllp(orm);
  expect(ack).toMatch(/MSA\|AA\|/);

  const found = dcmtk('findscu', ['-W', '-aet', 'CT1', '-aec', 'RIS', '-k', 'PatientName=HL7TEST*', '-k', 'AccessionNumber', '-k', 'PatientID', '127.0.0.1', String(E2E.dicomPort)]);
  expect(found.out).toContain(`MRN${id}`);

  const nak = await mllp(`MSH|^~\\&|HIS|GENERAL|RIS|RAD|${day}120000||ORM^O01|BAD${id}|P|2.3\nORC|NW|X${id}`);
  expect(nak).toMatch(/MSA\|A[ER]\|BAD/);

  await page.goto('/sandbox/ris');
  const panel = page.getByTestId('hl7-panel');
  await expect(panel).toContainText('MLLP listener up');
  await expect(panel).toContainText(id);
  await expect(panel.locator('tr', { hasText: `BAD${id}` })).toContainText(/AE|AR/);
  await expect(page.locator('main')).toContainText('HL7TEST, OLIVIA');
  await panel.scrollIntoViewIfNeeded();
  await shot(page, 'ris-hl7');
});
