// Crash consistency in CI (issue 11): kill -9 the DICOM daemon (a real child process) at seeded points while our
// storeScu and DCMTK storescu store into it, restart it, and check the whole archive after each start-up recovery.
// Sized by time (each restart migrates, seeds and recovers: several seconds on a loaded machine): CRASH_SECONDS
// (default 28, plus the first start and the last round) per database pass. Longer runs on demand: npx tsx sim/hardening/crash.ts --rounds 200 --seed N.
import { describe, expect, it } from 'vitest';
import { createTestDb } from '../../prisma/testing';
import { runCrashRounds } from './crash';

describe('crash consistency under kill -9', () => {
  it('keeps every acknowledged instance, complete and indexed once, and leaves no partial file or orphan row', async () => {
    const seed = Number(process.env.CRASH_SEED ?? 1);
    // the daemon on a fresh database of the pass's provider (SQLite, then PostgreSQL in CI)
    const t = await createTestDb();
    await t.db.$disconnect();
    const report = await runCrashRounds({
      rounds: Number(process.env.CRASH_ROUNDS ?? 50),
      budgetMs: Number(process.env.CRASH_SECONDS ?? 28) * 1000,
      seed,
      perSender: 10,
      databaseUrl: t.url,
    }).finally(() => t.drop());
    // a failure names its seed and round: CRASH_SEED=<seed> npx vitest run sim/hardening/crash.test.ts replays it
    expect(report.defects, `seed ${seed}`).toEqual([]);
    expect(report.rounds.length).toBeGreaterThanOrEqual(2);
    expect(report.killsMidAssociation).toBeGreaterThanOrEqual(1);
    expect(report.verified).toBe(report.acknowledged);
    for (const r of report.rounds) expect(r.recovery, `round ${r.round} reported its recovery`).toBeDefined();
  }, 240_000);
});
