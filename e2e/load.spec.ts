// Classroom load against the production build (issue 11), sized for CI: scanners in many student sandboxes send at
// once to a DICOM daemon while students answer quizzes on the running site. The full class (30 associations × 100
// images, 100 students) is `npm run hardening:load -- --base-url …` (sim/hardening/load.ts, the same code).
import { expect, test } from '@playwright/test';
import { createTestDb } from '../prisma/testing';
import { runLoad } from '../sim/hardening/load';
import { E2E } from './env';

test('a class at once: 10 scanners in 10 sandboxes send while 40 students answer, nothing lost or doubled', async () => {
  test.setTimeout(300_000);
  const t = await createTestDb();
  await t.db.$disconnect();
  const lines: string[] = [];
  const r = await runLoad({ associations: 10, images: 20, students: 40, answerEveryMs: 500, dcmtkEvery: 3, baseUrl: E2E.baseURL, databaseUrl: t.url, log: (l) => lines.push(l) }).finally(() => t.drop());
  console.log(`[load] ${JSON.stringify({ ...r, defects: r.defects.length })}`);
  expect(r.defects).toEqual([]);
  expect(r.acknowledged).toBe(200);
  expect(r.verified).toBe(200);
  expect(r.associations.dcmtk).toBeGreaterThan(0);
  expect('answers' in r.http).toBe(true);
  if ('answers' in r.http) {
    expect(r.http.failed).toBe(0);
    expect(r.http.answers).toBeGreaterThan(40);
  }
});
