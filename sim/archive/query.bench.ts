// C-FIND query benchmark over a seeded archive of 10,000 studies (not a test):
//
//   npx tsx sim/archive/query.bench.ts                      # SQLite in a temp folder
//   TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test npx tsx sim/archive/query.bench.ts
//   ... --studies 20000 --runs 30 --explain                  # more data, more runs, print the query plans
//
// Times the query function itself (validation, database, matching, computed attributes, response building),
// i.e. what the C-FIND handler spends before the network. The Orthanc comparison the archive issue asks for is
// timed end to end with findscu processes once the C-FIND SCP is wired (see findScp.ts, when it exists).
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createTestDb } from '../../prisma/testing';
import Database from 'better-sqlite3';
import pg from 'pg';
import { adapterFor, sqlitePath } from '../../prisma/db';
import { PrismaClient as SqliteClient } from '../../prisma/generated/sqlite/client';
import { PrismaClient as PostgresClient } from '../../prisma/generated/postgresql/client';
import type { Db } from '../../prisma/db';
import { personNameKey } from './matching';
import { findAll, type Identifier } from './query';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const STUDIES = arg('studies', 10_000);
const RUNS = arg('runs', 20);
const EXPLAIN = process.argv.includes('--explain');
const MODALITIES = ['CT', 'MR', 'CR', 'DX', 'US', 'MG', 'NM', 'PT'];
const FAMILY = ['JONES', 'BROWN', 'TAYLOR', 'WILSON', 'DAVIES', 'EVANS', 'THOMAS', 'JOHNSON', 'ROBERTS', 'WALKER', 'WRIGHT', 'GARCIA', 'MARTIN', 'NGUYEN', 'MULLER', 'ROSSI', 'KIM', 'PATEL', 'COHEN', 'LOPEZ'];
const GIVEN = ['JOHN', 'MARY', 'ANNA', 'JAMES', 'LI', 'ALI', 'SARA', 'PAUL', 'EVA', 'OMAR'];

/** 2 studies per patient, 2 series per study, 3 instances per series. 50 patients are SMITH: 100 studies. */
async function seed(db: Db, sandboxId: string) {
  const patients: object[] = [];
  const studies: object[] = [];
  const series: object[] = [];
  const instances: object[] = [];
  const nPatients = Math.ceil(STUDIES / 2);
  for (let p = 0; p < nPatients; p++) {
    const id = randomUUID();
    const family = p < 50 ? 'SMITH' : `${FAMILY[p % FAMILY.length]}${Math.floor(p / FAMILY.length)}`;
    const name = `${family}^${GIVEN[p % GIVEN.length]}`;
    patients.push({ id, sandboxId, patientId: `PID${String(p).padStart(6, '0')}`, patientName: name, patientNameKey: personNameKey(name), birthDate: `19${String(30 + (p % 70)).padStart(2, '0')}0${1 + (p % 9)}15`, sex: p % 2 ? 'F' : 'M' });
    for (let s = 0; s < 2 && studies.length < STUDIES; s++) {
      const studyId = randomUUID();
      const n = studies.length;
      const studyUid = `1.2.826.0.1.3680043.10.999.${n + 1}`;
      const day = new Date(Date.UTC(2020, 0, 1) + (n % 1500) * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '');
      studies.push({ id: studyId, sandboxId, patientRefId: id, studyInstanceUid: studyUid, studyDate: day, studyTime: `${String(7 + (n % 12)).padStart(2, '0')}3000`, accessionNumber: `A${String(n).padStart(7, '0')}`, studyId: String(n), studyDescription: `${MODALITIES[n % 8]} STUDY`, updatedAt: new Date() });
      for (let se = 0; se < 2; se++) {
        const seriesId = randomUUID();
        const seriesUid = `${studyUid}.${se + 1}`;
        series.push({ id: seriesId, sandboxId, studyRefId: studyId, seriesInstanceUid: seriesUid, modality: MODALITIES[(n + se) % 8], seriesNumber: se + 1 });
        for (let i = 0; i < 3; i++) {
          instances.push({ id: randomUUID(), sandboxId, seriesRefId: seriesId, sopInstanceUid: `${seriesUid}.${i + 1}`, sopClassUid: '1.2.840.10008.5.1.4.1.1.2', instanceNumber: i + 1, transferSyntaxUid: '1.2.840.10008.1.2.1', filePath: `x/${seriesUid}.${i + 1}.dcm`, fileSize: 1000n });
        }
      }
    }
  }
  const chunk = async (rows: object[], insert: (data: object[]) => Promise<unknown>) => {
    for (let i = 0; i < rows.length; i += 2000) await insert(rows.slice(i, i + 2000));
  };
  /* eslint-disable @typescript-eslint/no-explicit-any */
  await chunk(patients, (d) => db.patient.createMany({ data: d as any }));
  await chunk(studies, (d) => db.study.createMany({ data: d as any }));
  await chunk(series, (d) => db.series.createMany({ data: d as any }));
  await chunk(instances, (d) => db.instance.createMany({ data: d as any }));
  /* eslint-enable @typescript-eslint/no-explicit-any */
  return { patients: patients.length, studies: studies.length, series: series.length, instances: instances.length };
}

// What a viewer's study list asks for (findscu -S -k QueryRetrieveLevel=STUDY ...).
const STUDY_KEYS: Identifier = {
  QueryRetrieveLevel: 'STUDY',
  StudyInstanceUID: '',
  PatientName: '',
  PatientID: '',
  PatientBirthDate: '',
  StudyDate: '',
  StudyTime: '',
  AccessionNumber: '',
  StudyDescription: '',
  ModalitiesInStudy: '',
  NumberOfStudyRelatedSeries: '',
  NumberOfStudyRelatedInstances: '',
};

const QUERIES: { name: string; identifier: Identifier; expect?: number }[] = [
  { name: 'exact PatientID', identifier: { ...STUDY_KEYS, PatientID: 'PID004711' }, expect: 2 },
  { name: 'wildcard PatientName SMITH* (100 matches)', identifier: { ...STUDY_KEYS, PatientName: 'smith*' }, expect: 100 },
  { name: 'StudyDate range (one week)', identifier: { ...STUDY_KEYS, StudyDate: '20220101-20220107' } },
  { name: 'ModalitiesInStudy MR + date range', identifier: { ...STUDY_KEYS, ModalitiesInStudy: 'MR', StudyDate: '20210101-20210331' } },
  { name: 'AccessionNumber exact', identifier: { ...STUDY_KEYS, AccessionNumber: 'A0004242' }, expect: 1 },
  { name: 'everything (all studies)', identifier: { ...STUDY_KEYS } },
];

async function time(db: Db, sandboxId: string, identifier: Identifier) {
  const times: number[] = [];
  let count = 0;
  for (let i = 0; i < RUNS + 2; i++) {
    const t0 = performance.now();
    const r = await findAll(db, sandboxId, 'STUDY_ROOT', identifier);
    const dt = performance.now() - t0;
    if (!r.ok) throw new Error(r.detail);
    count = r.matches.length;
    if (i >= 2) times.push(dt); // two warm-up runs
  }
  times.sort((a, b) => a - b);
  return { count, median: times[Math.floor(times.length / 2)], p95: times[Math.min(times.length - 1, Math.floor(times.length * 0.95))] };
}

/** The database's own plan for one statement, through the raw driver (Prisma's raw API rejects EXPLAIN). */
async function planOf(url: string, provider: string, sql: string, params: unknown[]): Promise<string[]> {
  if (provider === 'postgresql') {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      const r = await c.query(`EXPLAIN ${sql}`, params);
      return r.rows.map((row: Record<string, string>) => row['QUERY PLAN']);
    } finally {
      await c.end();
    }
  }
  const d = new Database(sqlitePath(url), { readonly: true });
  try {
    const rows = d.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...(params as (string | number)[])) as { detail: string }[];
    return rows.map((r) => r.detail);
  } finally {
    d.close();
  }
}

/** Runs the queries once more on a logging client and prints the database's plan for each statement. */
async function explain(url: string, provider: string, sandboxId: string) {
  const statements: { sql: string; params: unknown[] }[] = [];
  const log = [{ emit: 'event' as const, level: 'query' as const }];
  const client = provider === 'postgresql' ? new PostgresClient({ adapter: adapterFor(url), log }) : new SqliteClient({ adapter: adapterFor(url), log });
  (client as unknown as { $on(e: 'query', cb: (e: { query: string; params: string }) => void): void }).$on('query', (e) => {
    statements.push({ sql: e.query, params: JSON.parse(e.params) });
  });
  const db = client as unknown as Db;
  for (const q of QUERIES.slice(0, 2)) {
    statements.length = 0;
    await findAll(db, sandboxId, 'STUDY_ROOT', q.identifier);
    console.log(`\n--- plan: ${q.name}`);
    for (const s of statements) {
      console.log(`  ${s.sql.replace(/\s+/g, ' ').slice(0, 220)}${s.sql.length > 220 ? '…' : ''}`);
      for (const line of await planOf(url, provider, s.sql, s.params)) console.log(`      ${line.length > 160 ? `${line.slice(0, 160)}…` : line}`);
    }
  }
  await client.$disconnect();
}

const t = await createTestDb();
try {
  const sandboxId = (await t.db.sandbox.create({ data: { slug: 'bench', name: 'Bench' } })).id;
  const t0 = performance.now();
  const n = await seed(t.db, sandboxId);
  await t.db.$executeRawUnsafe('ANALYZE'); // fresh statistics, as a long-running archive would have
  console.log(`${t.provider}: seeded ${n.patients} patients, ${n.studies} studies, ${n.series} series, ${n.instances} instances in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  console.log(`Study Root C-FIND at STUDY level, ${Object.keys(STUDY_KEYS).length - 1} return keys incl. computed; median and p95 of ${RUNS} runs\n`);
  console.log('query'.padEnd(46) + 'matches'.padStart(8) + 'median ms'.padStart(12) + 'p95 ms'.padStart(10));
  for (const q of QUERIES) {
    const r = await time(t.db, sandboxId, q.identifier);
    if (q.expect !== undefined && r.count !== q.expect) throw new Error(`${q.name}: expected ${q.expect} matches, got ${r.count}`);
    console.log(q.name.padEnd(46) + String(r.count).padStart(8) + r.median.toFixed(2).padStart(12) + r.p95.toFixed(2).padStart(10));
  }
  if (EXPLAIN) await explain(t.url, t.provider, sandboxId);
} finally {
  await t.drop();
}
