// `pacslab worklist` and `pacslab send`: a simulated modality from the command line.
import { type Command, InvalidArgumentError } from 'commander';
import { fail, peerOptions, type PeerOpts } from './common';

/** AE@host:port, e.g. PACS@127.0.0.1:11112 */
function parseTarget(v: string): { calledAe: string; host: string; port: number } {
  const m = /^([^@]+)@(.+):(\d+)$/.exec(v.trim());
  if (!m) throw new InvalidArgumentError('give the destination as AE@host:port, e.g. PACS@127.0.0.1:11112');
  return { calledAe: m[1], host: m[2], port: Number(m[3]) };
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}

export function register(program: Command): void {
  peerOptions(program.command('worklist').description("Modality Worklist C-FIND, as a scanner console asks: today's items for this station"), 'RIS')
    .option('--date <date>', 'YYYYMMDD, a range YYYYMMDD-YYYYMMDD, or today', 'today')
    .option('--any-station', 'items for every station, not only this AE title')
    .option('--patient <name>', "patient name (wildcards * and ? allowed, e.g. 'DOE*')")
    .option('--timeout <s>', 'connect / association / response timeout in seconds', '10')
    .action(async (o: PeerOpts & { date: string; anyStation?: boolean; patient?: string; timeout: string }) => {
      const { aeTitleSchema } = await import('@/sim/modality/config');
      const { queryWorklist, parseWorklistQuery } = await import('@/sim/modality/worklist');
      const { describeFailure, failureOf } = await import('@/sim/modality/failures');
      const aet = aeTitleSchema.safeParse(o.aet);
      const aec = aeTitleSchema.safeParse(o.aec);
      if (!aet.success || !aec.success) fail(`AE title: ${(aet.error ?? aec.error)!.issues[0].message}`);
      const peer = { host: o.host, port: o.port, callingAe: aet.data!, calledAe: aec.data!, timeoutMs: Number(o.timeout) * 1000 || 10_000 };
      let query;
      try {
        query = parseWorklistQuery({ date: o.date === 'today' ? undefined : o.date, stationAeTitle: o.anyStation ? null : undefined, patientName: o.patient });
      } catch (e) {
        fail((e as Error).message);
      }
      let r;
      try {
        r = await queryWorklist(peer, query);
      } catch (e) {
        fail(describeFailure(failureOf(e, peer, `${peer.calledAe} to answer the worklist query`, 'the RIS (worklist)')));
      }
      if (r.items.length) {
        const rows = [['TIME', 'PATIENT', 'ID', 'BIRTH', 'SEX', 'ACCESSION', 'MOD', 'STATION', 'PROCEDURE']];
        for (const i of r.items) {
          const time = i.scheduledStartTime ? `${i.scheduledStartTime.slice(0, 2)}:${i.scheduledStartTime.slice(2, 4)}` : '';
          rows.push([`${i.scheduledStartDate} ${time}`.trim(), i.patientName, i.patientId, i.patientBirthDate, i.patientSex, i.accessionNumber, i.modality, i.scheduledStationAeTitle, i.requestedProcedureDescription || i.scheduledProcedureStepDescription]);
        }
        console.log(table(rows));
      }
      console.log(`${r.items.length} worklist item(s) from ${peer.calledAe}@${peer.host}:${peer.port}; final status ${r.final.meaning}`);
      if (r.final.category !== 'success') process.exitCode = 1;
    });

  program
    .command('send')
    .description('send every DICOM Part 10 file in a folder to a PACS over one association, as a scanner does')
    .argument('<dir>', 'folder of DICOM files (searched recursively)')
    .requiredOption('--to <AE@host:port>', 'the destination, e.g. PACS@127.0.0.1:11112', parseTarget)
    .option('--aet <ae>', 'our (calling) AE title', 'CT1')
    .option('--timeout <s>', 'connect / association / response timeout in seconds', '30')
    .action(async (dir: string, o: { to: { calledAe: string; host: string; port: number }; aet: string; timeout: string }) => {
      const { readdirSync, statSync, openSync, readSync, closeSync } = await import('node:fs');
      const { join } = await import('node:path');
      const { aeTitleSchema, hostSchema, portSchema } = await import('@/sim/modality/config');
      const { describeFailure, failureOf } = await import('@/sim/modality/failures');
      const { store } = await import('@/sim/dimse/client');
      const checks = [aeTitleSchema.safeParse(o.aet), aeTitleSchema.safeParse(o.to.calledAe), hostSchema.safeParse(o.to.host), portSchema.safeParse(o.to.port)];
      const bad = checks.find((c) => !c.success);
      if (bad && !bad.success) fail(bad.error.issues[0].message);
      let isDir = false;
      try {
        isDir = statSync(dir).isDirectory();
      } catch {
        fail(`${dir}: no such folder`);
      }
      if (!isDir) fail(`${dir} is not a folder`);
      // Part 10 files only: 128-byte preamble then "DICM" (PS3.10 7.1)
      const isPart10 = (p: string) => {
        const fd = openSync(p, 'r');
        try {
          const b = Buffer.alloc(132);
          return readSync(fd, b, 0, 132, 0) === 132 && b.toString('latin1', 128, 132) === 'DICM';
        } finally {
          closeSync(fd);
        }
      };
      const files: string[] = [];
      const walk = (p: string) => (statSync(p).isDirectory() ? readdirSync(p).sort().forEach((n) => walk(join(p, n))) : isPart10(p) && files.push(p));
      walk(dir);
      if (!files.length) fail(`no DICOM Part 10 files in ${dir}`);
      const peer = { ...o.to, callingAe: o.aet.trim(), timeoutMs: Number(o.timeout) * 1000 || 30_000 };
      const tty = process.stdout.isTTY;
      const t0 = performance.now();
      const failures: string[] = [];
      let answered = 0;
      let associationError = '';
      try {
        await store(peer, files, (done, total, last) => {
          answered = done;
          if (last.category === 'failure') failures.push(`${last.file}: C-STORE failed: ${last.meaning}`);
          const bar = '█'.repeat(Math.round((30 * done) / total)).padEnd(30, '░');
          const rate = done / ((performance.now() - t0) / 1000);
          const line = `${bar} ${done}/${total} (${Math.floor((100 * done) / total)} %) ${rate.toFixed(0)} img/s`;
          if (tty) process.stdout.write(`\r${line}`);
          else if (done === total || done % Math.max(1, Math.ceil(total / 10)) === 0) console.log(line);
        });
      } catch (e) {
        associationError = describeFailure(failureOf(e, peer, answered ? `the next C-STORE response from ${peer.calledAe}` : `${peer.calledAe} to accept the association`));
      }
      if (tty && answered) process.stdout.write('\n');
      const s = (performance.now() - t0) / 1000;
      console.log(`sent ${answered - failures.length} of ${files.length} image(s) to ${peer.calledAe}@${peer.host}:${peer.port} in ${s.toFixed(2)} s (${(answered / s).toFixed(0)} img/s)${failures.length ? `; ${failures.length} refused` : ''}`);
      for (const f of failures) console.log(`  ${f}`);
      if (associationError) console.error(`pacslab: ${associationError}${answered < files.length ? ` (${files.length - answered} image(s) not sent)` : ''}`);
      if (associationError || failures.length || answered < files.length) process.exitCode = 1;
    });
}
