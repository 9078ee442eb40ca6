// C-FIND end to end against Orthanc 1.10 holding the same 10,000 studies, timed as whole findscu processes
// (the archive issue's measure). Not a test:
//
//   npx tsx sim/archive/findVsOrthanc.bench.ts [--studies 10000] [--runs 20]
//
// Writes one small Part 10 file per study, stores them into a throwaway Orthanc (Debian package, /usr/sbin/Orthanc)
// with storescu, indexes the same studies into a throwaway SQLite archive, starts our listener with the C-FIND SCP
// on a free port, then alternates findscu runs against both. Every DCMTK process and Orthanc get TCP_NODELAY=1.
// Also measured in the same run, the floor no C-FIND SCP can go under: a findscu process that finds the port
// closed (process start and exit), and echoscu against a DCMTK storescp (a whole DCMTK association with a peer
// that does nothing), against Orthanc and against us. The machine's load average is printed with the table.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import dimse from 'dcmjs-dimse';
import { createTestDb } from '../../prisma/testing';
import { startDimseServer } from '../dimse/dimseServer';
import { runDcmtk, spawnDcmtk } from '../testing/dcmtk';
import { findService } from './findScp';
import { personNameKey } from './matching';
import { freePort, waitForPort } from '../testing/ports';
import { createVerificationService } from './storageService';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const N = arg('studies', 10_000);
const RUNS = arg('runs', 20);
const FAMILY = ['JONES', 'BROWN', 'TAYLOR', 'WILSON', 'DAVIES', 'EVANS', 'THOMAS', 'JOHNSON', 'ROBERTS', 'WALKER'];
const MODALITIES = ['CT', 'MR', 'CR', 'DX', 'US', 'MG', 'NM', 'PT'];
const SC = '1.2.840.10008.5.1.4.1.1.7';

/** Two studies per patient; the first 50 patients are SMITH, so SMITH* matches exactly 100 studies. */
function studies() {
  return Array.from({ length: N }, (_, i) => {
    const p = Math.floor(i / 2);
    const uid = `1.2.826.0.1.3680043.10.998.${i + 1}`;
    return {
      patientId: `PID${String(p).padStart(6, '0')}`,
      name: `${p < 50 ? 'SMITH' : `${FAMILY[p % 10]}${Math.floor(p / 10)}`}^${['JOHN', 'MARY', 'ANNA'][p % 3]}`,
      uid,
      date: new Date(Date.UTC(2020, 0, 1) + (i % 1500) * 86_400_000).toISOString().slice(0, 10).replace(/-/g, ''),
      accession: `A${String(i).padStart(7, '0')}`,
      modality: MODALITIES[i % 8],
    };
  });
}

const work = mkdtempSync(join(tmpdir(), 'find-vs-orthanc-'));
const files = join(work, 'files');
mkdirSync(files);
const all = studies();
for (const s of all) {
  const ds = new dimse.Dataset(
    {
      SpecificCharacterSet: 'ISO_IR 100',
      SOPClassUID: SC,
      SOPInstanceUID: `${s.uid}.1.1`,
      StudyInstanceUID: s.uid,
      SeriesInstanceUID: `${s.uid}.1`,
      PatientID: s.patientId,
      PatientName: s.name,
      StudyDate: s.date,
      StudyTime: '101500',
      AccessionNumber: s.accession,
      Modality: s.modality,
      StudyDescription: `${s.modality} STUDY`,
      SeriesNumber: 1,
      InstanceNumber: 1,
    },
    '1.2.840.10008.1.2.1',
  );
  ds.toFile(join(files, `${s.uid}.dcm`));
}

// --- Orthanc ---------------------------------------------------------------------------------------------
const orthancPort = await freePort();
const orthancHttp = await freePort();
writeFileSync(
  join(work, 'orthanc.json'),
  JSON.stringify({
    Name: 'bench',
    StorageDirectory: join(work, 'orthanc'),
    IndexDirectory: join(work, 'orthanc'),
    DicomAet: 'ORTHANC',
    DicomPort: orthancPort,
    HttpPort: orthancHttp,
    RemoteAccessAllowed: false,
    AuthenticationEnabled: false,
    DicomCheckCalledAet: false,
    DicomAlwaysAllowEcho: true,
    DicomAlwaysAllowStore: true,
    DicomAlwaysAllowFind: true,
    DicomModalities: { findscu: ['FINDSCU', '127.0.0.1', 104] },
    LimitFindResults: 0,
    LimitFindInstances: 0,
  }),
);
const orthanc = spawn('/usr/sbin/Orthanc', [join(work, 'orthanc.json')], { env: { ...process.env, TCP_NODELAY: '1' }, stdio: 'ignore' });
const ourDb = await createTestDb();
const storescpPort = await freePort();
const storescp = spawnDcmtk('storescp', ['-aet', 'STORESCP', String(storescpPort)]);
let server: Awaited<ReturnType<typeof startDimseServer>> | undefined;
try {
  for (let i = 0; i < 100; i++) {
    const r = await runDcmtk('echoscu', ['-aet', 'FINDSCU', '-aec', 'ORTHANC', '127.0.0.1', String(orthancPort)]);
    if (r.code === 0) break;
    await new Promise((res) => setTimeout(res, 100));
  }
  let t0 = performance.now();
  const stored = await runDcmtk('storescu', ['-aet', 'FINDSCU', '-aec', 'ORTHANC', '+sd', '+r', '-nh', '127.0.0.1', String(orthancPort), files], { timeoutMs: 600_000 });
  if (stored.code !== 0) throw new Error(`storescu into Orthanc failed: ${stored.stderr}`);
  console.log(`Orthanc: stored ${readdirSync(files).length} studies in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  // --- ours: same studies through Prisma (the C-STORE path is measured elsewhere) ---------------------------
  t0 = performance.now();
  const db = ourDb.db;
  const sandboxId = (await db.sandbox.create({ data: { slug: 'bench', name: 'Bench' } })).id;
  await db.dicomNode.createMany({ data: [{ sandboxId, aeTitle: 'PACS', role: 'archive', local: true }, { sandboxId, aeTitle: 'FINDSCU', role: 'workstation' }] });
  const patients = new Map<string, string>();
  const rows = { patient: [] as object[], study: [] as object[], series: [] as object[], instance: [] as object[] };
  for (const s of all) {
    let pid = patients.get(s.patientId);
    if (!pid) {
      pid = randomUUID();
      patients.set(s.patientId, pid);
      rows.patient.push({ id: pid, sandboxId, patientId: s.patientId, patientName: s.name, patientNameKey: personNameKey(s.name) });
    }
    const studyId = randomUUID();
    const seriesId = randomUUID();
    rows.study.push({ id: studyId, sandboxId, patientRefId: pid, studyInstanceUid: s.uid, studyDate: s.date, studyTime: '101500', accessionNumber: s.accession, studyDescription: `${s.modality} STUDY`, updatedAt: new Date() });
    rows.series.push({ id: seriesId, sandboxId, studyRefId: studyId, seriesInstanceUid: `${s.uid}.1`, modality: s.modality, seriesNumber: 1 });
    rows.instance.push({ id: randomUUID(), sandboxId, seriesRefId: seriesId, sopInstanceUid: `${s.uid}.1.1`, sopClassUid: SC, instanceNumber: 1, transferSyntaxUid: '1.2.840.10008.1.2.1', filePath: 'x', fileSize: 1n });
  }
  /* eslint-disable @typescript-eslint/no-explicit-any */
  for (const model of ['patient', 'study', 'series', 'instance'] as const) {
    const list = rows[model];
    for (let i = 0; i < list.length; i += 2000) await (db[model] as any).createMany({ data: list.slice(i, i + 2000) });
  }
  /* eslint-enable @typescript-eslint/no-explicit-any */
  await db.$executeRawUnsafe('ANALYZE');
  // as the daemon runs SQLite (startDicomServices.ts, tuneSqlite): WAL, synchronous=NORMAL
  if (ourDb.provider === 'sqlite') await db.$queryRawUnsafe('PRAGMA synchronous=NORMAL');
  server = await startDimseServer({ db, host: '127.0.0.1', port: 0, services: { archive: [createVerificationService(), findService(db)] } });
  console.log(`ours (${ourDb.provider}): indexed ${all.length} studies in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const keys = ['StudyInstanceUID', 'PatientName', 'StudyDate', 'StudyDescription', 'AccessionNumber', 'ModalitiesInStudy', 'NumberOfStudyRelatedInstances'];
  const queries = [
    { name: 'exact PatientID', keys: ['PatientID=PID004711'], expect: 2 },
    { name: 'wildcard PatientName smith* (100)', keys: ['PatientName=smith*', 'PatientID'], expect: 100 },
  ];
  const targets = [
    { name: 'Orthanc 1.10', aec: 'ORTHANC', port: orthancPort },
    { name: 'PACS Lab', aec: 'PACS', port: server.port },
  ];
  // findscu -X writes each response to a file: a new folder per run, none deleted before the end. This machine's
  // ext4 has no journal, and without one ext4 skips inodes freed in the last minute when it makes a file
  // (fs/ext4/ialloc.c, recently_deleted): deleting the previous run's 100 files slowed the next findscu's own.
  let run = 0;
  const once = async (target: (typeof targets)[number], q: (typeof queries)[number]) => {
    const out = join(work, 'out', String(run++));
    mkdirSync(out, { recursive: true });
    const args = ['-S', '-aet', 'FINDSCU', '-aec', target.aec, '-X', '-od', out, '127.0.0.1', String(target.port), '-k', 'QueryRetrieveLevel=STUDY'];
    for (const k of [...keys.filter((k) => !q.keys.some((x) => x.split('=')[0] === k)), ...q.keys]) args.push('-k', k);
    const t = performance.now();
    const r = await runDcmtk('findscu', args);
    const elapsed = performance.now() - t;
    const n = readdirSync(out).length;
    if (r.code !== 0 || n !== q.expect) throw new Error(`${target.name} ${q.name}: ${n} responses (expected ${q.expect}), exit ${r.code}: ${r.stderr}`);
    return elapsed;
  };
  await waitForPort(storescpPort, storescp, () => '');
  const closedPort = await freePort();
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const ms = (x: number) => `${x.toFixed(1)} ms`;
  const timed = async (tool: string, args: string[], ok: (code: number | null) => boolean) => {
    const xs: number[] = [];
    for (let i = 0; i < RUNS + 1; i++) {
      const t = performance.now();
      const r = await runDcmtk(tool, args);
      if (!ok(r.code)) throw new Error(`${tool} ${args.join(' ')}: exit ${r.code}: ${r.stderr}`);
      if (i > 0) xs.push(performance.now() - t);
    }
    return xs;
  };
  const floors = [
    { name: 'findscu -> closed port', xs: await timed('findscu', ['-S', '-k', 'QueryRetrieveLevel=STUDY', '127.0.0.1', String(closedPort)], (c) => c !== 0) },
    { name: 'echoscu -> DCMTK storescp', xs: await timed('echoscu', ['-aec', 'STORESCP', '127.0.0.1', String(storescpPort)], (c) => c === 0) },
    { name: 'echoscu -> Orthanc', xs: await timed('echoscu', ['-aet', 'FINDSCU', '-aec', 'ORTHANC', '127.0.0.1', String(orthancPort)], (c) => c === 0) },
    { name: 'echoscu -> PACS Lab', xs: await timed('echoscu', ['-aet', 'FINDSCU', '-aec', 'PACS', '127.0.0.1', String(server.port)], (c) => c === 0) },
  ];
  console.log(`\nload average ${loadavg().map((x) => x.toFixed(2)).join(' ')} (${process.argv.slice(2).join(' ') || 'defaults'})`);
  console.log(`\nthe floor, whole processes, median (min) of ${RUNS}:`);
  for (const f of floors) console.log(`  ${f.name.padEnd(34)}${ms(median(f.xs)).padStart(10)} (${ms(Math.min(...f.xs))})`);
  console.log(`\nfindscu -S at STUDY level, ${keys.length + 1} keys, median (min) of ${RUNS} whole processes (alternating)\n`);
  console.log('query'.padEnd(36) + targets.map((t) => t.name.padStart(22)).join('') + '   ratio   Orthanc/3');
  for (const q of queries) {
    const times: number[][] = targets.map(() => []);
    for (let i = 0; i < RUNS + 2; i++) {
      for (const [j, target] of targets.entries()) {
        const elapsed = await once(target, q);
        if (i >= 2) times[j].push(elapsed);
      }
    }
    const m = times.map(median);
    const cells = times.map((xs, j) => `${ms(m[j])} (${ms(Math.min(...xs))})`.padStart(22));
    console.log(q.name.padEnd(36) + cells.join('') + `   ${(m[1] / m[0]).toFixed(2)}    ${ms(m[0] / 3)}`);
  }
  console.log(`\nload average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
} finally {
  await server?.close();
  storescp.kill();
  orthanc.kill();
  await ourDb.drop();
  rmSync(work, { recursive: true, force: true });
}
