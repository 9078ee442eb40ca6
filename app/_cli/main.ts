// The `pacslab` command line. Every command is a thin layer over the same modules the site and the DICOM
// services use, so what an instructor scripts is what students get.
import { Command, InvalidArgumentError, Option } from 'commander';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { databaseUrl, getDb, providerOf } from '@/prisma/db';
import { applyMigrations } from '@/prisma/migrate';
import { ROLES, type Role } from '@/app/_lib/roles';
import { start } from './start';
import { dicomAction, fail, peerOptions, toPeer, type PeerOpts } from './common';
import { register as registerGenerate } from './generateCommand';
import { register as registerModality } from './modalityCommands';
import { register as registerTranscode } from './transcodeCommand';
import { register as registerFault } from './faultCommands';
import { register as registerArchive } from './archiveCommands';

const program = new Command()
  .name('pacslab')
  .description('PACS Lab: ARRT registry prep with a real embedded mini-PACS')
  .showHelpAfterError('(run pacslab --help for every command)');

const emailSchema = z.string().trim().toLowerCase().email();

// ---------------------------------------------------------------- start
program
  .command('start')
  .description('migrate the database, seed the demo sandbox, build the site if needed, and start the web site and DICOM services')
  .option('--no-build', 'never build: fail if there is no production build')
  .action(async (opts: { build: boolean }) => {
    await start({ build: opts.build });
  });

// ---------------------------------------------------------------- db
const db = program.command('db').description('database: migrate and seed');

db.command('migrate')
  .description('apply every pending migration to DATABASE_URL (SQLite file or PostgreSQL)')
  .action(async () => {
    const url = databaseUrl();
    const applied = await applyMigrations(url);
    console.log(applied.length ? `applied ${applied.length} migration(s) to ${providerOf(url)}: ${applied.join(', ')}` : `${providerOf(url)} database is up to date`);
  });

db.command('seed')
  .description('create the demo sandbox and its DICOM nodes if missing (idempotent)')
  .action(async () => {
    await applyMigrations(databaseUrl());
    const { seedDemo } = await import('@/sim/seed');
    const result = await seedDemo(getDb());
    console.log(`demo sandbox ready: ${JSON.stringify(result)}`);
  });

// ---------------------------------------------------------------- DICOM clients
peerOptions(program.command('echo').description('C-ECHO (verification): is the DICOM node there and does it accept us?')).action(async (o: PeerOpts) => {
  const { echo } = await import('@/sim/dimse/client');
  const r = await dicomAction(() => echo(toPeer(o)));
  console.log(`C-ECHO ${o.aet} → ${o.aec}@${o.host}:${o.port}: ${r.meaning} (${r.ms} ms)`);
  if (r.category !== 'success') process.exitCode = 1;
});

peerOptions(program.command('store').description('C-STORE DICOM files (or folders of them) byte for byte, over one association'))
  .argument('<paths...>', 'DICOM Part 10 files or folders')
  .action(async (paths: string[], o: PeerOpts) => {
    const { readdirSync, statSync } = await import('node:fs');
    const { join } = await import('node:path');
    const files: string[] = [];
    const walk = (p: string) => (statSync(p).isDirectory() ? readdirSync(p).sort().forEach((n) => walk(join(p, n))) : files.push(p));
    paths.forEach(walk);
    if (!files.length) fail('no files to send');
    const { store } = await import('@/sim/dimse/client');
    const t0 = performance.now();
    const tty = process.stdout.isTTY;
    const results = await dicomAction(() =>
      store(toPeer(o), files, (done, total, last) => {
        const bar = '█'.repeat(Math.round((24 * done) / total)).padEnd(24, '░');
        const line = `${bar} ${done}/${total} ${last.category === 'success' ? '' : `${last.file}: ${last.meaning}`}`;
        if (tty) process.stdout.write(`\r${line.padEnd(100)}`);
        else if (last.category !== 'success' || done === total) console.log(line);
      }),
    );
    if (tty) process.stdout.write('\n');
    const failed = results.filter((r) => r.category === 'failure');
    const s = (performance.now() - t0) / 1000;
    console.log(`sent ${results.length} of ${files.length} file(s) in ${s.toFixed(2)} s (${(results.length / s).toFixed(0)} img/s): ${results.length - failed.length} stored, ${failed.length} failed`);
    for (const f of failed) console.log(`  ${f.file}: ${f.meaning}`);
    if (failed.length || results.length < files.length) process.exitCode = 1;
  });

peerOptions(program.command('find').description('C-FIND: query the archive (Study Root or Patient Root) at any level'))
  .option('--level <level>', 'PATIENT, STUDY, SERIES or IMAGE', 'STUDY')
  .option('--patient-root', 'use the Patient Root model (default: Study Root)')
  .option('-k, --key <key=value...>', 'matching or return key, e.g. -k PatientName=DOE* -k StudyDate=20240101-', [])
  .action(async (o: PeerOpts & { level: string; patientRoot?: boolean; key: string[] }) => {
    const identifier: Record<string, string> = { QueryRetrieveLevel: o.level.toUpperCase() };
    for (const kv of o.key) {
      const i = kv.indexOf('=');
      identifier[i < 0 ? kv : kv.slice(0, i)] = i < 0 ? '' : kv.slice(i + 1);
    }
    const defaults: Record<string, string[]> = {
      PATIENT: ['PatientName', 'PatientID', 'PatientBirthDate', 'NumberOfPatientRelatedStudies'],
      STUDY: ['PatientName', 'PatientID', 'StudyDate', 'AccessionNumber', 'ModalitiesInStudy', 'StudyInstanceUID', 'NumberOfStudyRelatedInstances'],
      SERIES: ['Modality', 'SeriesNumber', 'SeriesInstanceUID', 'NumberOfSeriesRelatedInstances'],
      IMAGE: ['InstanceNumber', 'SOPInstanceUID', 'SOPClassUID'],
    };
    for (const k of defaults[identifier.QueryRetrieveLevel] ?? []) if (!(k in identifier)) identifier[k] = '';
    const { find } = await import('@/sim/dimse/client');
    const r = await dicomAction(() => find(toPeer(o), o.patientRoot ? 'patient' : 'study', identifier));
    for (const m of r.matches) {
      const row = Object.entries(m)
        .filter(([k]) => k !== 'QueryRetrieveLevel' && k !== 'SpecificCharacterSet')
        .map(([k, v]) => `${k}=${Array.isArray(v) ? v.map((x) => (typeof x === 'object' && x && 'Alphabetic' in x ? (x as { Alphabetic: string }).Alphabetic : String(x))).join('\\') : String(v ?? '')}`);
      console.log(row.join('  '));
    }
    console.log(`${r.matches.length} match(es); final status ${r.final.meaning}`);
    if (r.final.category !== 'success') process.exitCode = 1;
  });

// ---------------------------------------------------------------- user
const user = program.command('user').description('accounts: add users and set roles');

function roleOption() {
  return new Option('--role <role>', 'student, instructor or admin').choices(ROLES as unknown as string[]).default('student');
}

user
  .command('add')
  .description('create an account (or change the role of an existing one)')
  .requiredOption('--email <email>', 'e-mail address (the sign-in name)', (v) => {
    const r = emailSchema.safeParse(v);
    if (!r.success) throw new InvalidArgumentError('not an e-mail address');
    return r.data;
  })
  .addOption(roleOption())
  .option('--name <name>', 'display name (default: the part of the e-mail before @)')
  .option('--password <password>', 'password (default: $PACSLAB_PASSWORD, else a random one is generated and printed)')
  .action(async (opts: { email: string; role: Role; name?: string; password?: string }) => {
    await applyMigrations(databaseUrl());
    const { createAuth, PASSWORD_MIN, PASSWORD_MAX } = await import('@/app/_lib/auth');
    const prisma = getDb();
    const existing = await prisma.user.findUnique({ where: { email: opts.email } });
    if (existing && !existing.isAnonymous) {
      if (existing.role !== opts.role) {
        await prisma.$transaction([
          prisma.user.update({ where: { id: existing.id }, data: { role: opts.role } }),
          prisma.auditEvent.create({ data: { action: 'user.role', target: `user:${existing.id}`, reason: 'pacslab user add (command line)', detail: { from: existing.role, to: opts.role, email: opts.email } } }),
        ]);
        console.log(`${opts.email} already exists: role changed from ${existing.role} to ${opts.role}`);
      } else console.log(`${opts.email} already exists with role ${opts.role}: nothing to do`);
      return;
    }
    const generated = !opts.password && !process.env.PACSLAB_PASSWORD;
    const password = opts.password ?? process.env.PACSLAB_PASSWORD ?? randomBytes(12).toString('base64url');
    if (password.length < PASSWORD_MIN || password.length > PASSWORD_MAX) fail(`the password must be ${PASSWORD_MIN} to ${PASSWORD_MAX} characters long`);
    const auth = createAuth(prisma, { forNext: false });
    const name = opts.name?.trim() || opts.email.split('@')[0];
    const created = await auth.api.signUpEmail({ body: { email: opts.email, password, name } });
    await prisma.$transaction([
      prisma.user.update({ where: { id: created.user.id }, data: { role: opts.role } }),
      prisma.session.deleteMany({ where: { userId: created.user.id } }),
      prisma.auditEvent.create({ data: { action: 'user.add', target: `user:${created.user.id}`, reason: 'pacslab user add (command line)', detail: { email: opts.email, role: opts.role } } }),
    ]);
    console.log(`created ${opts.role} ${opts.email}${generated ? `\npassword: ${password}  (shown once: write it down)` : ''}`);
  });

user
  .command('list')
  .description('list accounts with their roles')
  .action(async () => {
    const users = await getDb().user.findMany({ where: { isAnonymous: false }, orderBy: { createdAt: 'asc' } });
    for (const u of users) console.log(`${u.role.padEnd(10)} ${u.email.padEnd(40)} ${u.name}`);
    if (!users.length) console.log('no accounts yet: npx pacslab user add --role admin --email you@example.org');
  });

// `pacslab --help` lists every command, including the sub-commands of each group
// ---------------------------------------------------------------- bench
const bench = program.command('bench').description('benchmarks against DCMTK and Orthanc, measured in the same run');

bench
  .command('ingest')
  .description('C-STORE ingest: the same N 512x512 CT files via storescu (one association, TCP_NODELAY=1) to DCMTK storescp, Orthanc and our daemon')
  .option('-n, --count <n>', 'number of files (300 ≈ 160 MB; 4000 ≈ 2 GB)', (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a positive whole number');
    return n;
  }, 300)
  .option('--rounds <n>', 'send to every receiver this many times (the machine is noisy: compare medians)', (v) => Number(v), 1)
  .option('--targets <list>', 'comma-separated: storescp, orthanc, ours', 'storescp,orthanc,ours')
  .option('--keep', 'keep the generated files and the receivers\' folders')
  .option('--trace', 'print our daemon\'s per-stage timings (PACSLAB_INGEST_TRACE=1)')
  .action(async (o: { count: number; rounds: number; targets: string; keep?: boolean; trace?: boolean }) => {
    const { runIngestBench, formatIngestTable, TARGETS } = await import('@/sim/bench/ingest');
    const targets = o.targets.split(',').map((t) => t.trim());
    const unknown = targets.filter((t) => !(TARGETS as readonly string[]).includes(t));
    if (unknown.length) fail(`unknown target(s) ${unknown.join(', ')}: use ${TARGETS.join(', ')}`);
    const { results, work, durableWriteMs } = await runIngestBench({ count: o.count, rounds: o.rounds, targets: targets as never, keep: o.keep, trace: o.trace, log: (l) => console.log(l) });
    console.log(`\n${formatIngestTable(results, durableWriteMs)}`);
    if (o.keep) console.log(`\nfiles kept in ${work}`);
  });

// ---------------------------------------------------------------- modality simulator and compression
registerGenerate(program);
registerModality(program);
registerTranscode(program);
registerFault(program);
registerArchive(program);

program.addHelpText('after', () => {
  const lines: string[] = [];
  const walk = (cmd: Command, prefix: string) => {
    for (const sub of cmd.commands) {
      if (sub.commands.length) walk(sub, `${prefix}${sub.name()} `);
      else lines.push(`  pacslab ${`${prefix}${sub.name()} ${sub.usage().replace('[options]', '').trim()}`.padEnd(34)} ${sub.description()}`);
    }
  };
  walk(program, '');
  return `\nEvery command (add --help to any of them for its options):\n${lines.join('\n')}\n`;
});

program.hook('postAction', async () => {
  await getDb().$disconnect();
});

program.parseAsync(process.argv).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  fail(message);
});
