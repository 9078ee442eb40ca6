// `pacslab generate`: synthetic studies from sim/modality/generate.
import { randomInt } from 'node:crypto';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { fail } from './common';

const MODALITIES = ['CT', 'DX', 'MR', 'US'] as const;

function wholeNumber(what: string, min: number, max: number) {
  return (v: string) => {
    const n = Number(v);
    if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${what} is a whole number from ${min} to ${max}`);
    return n;
  };
}

function maxLength(what: string, max: number) {
  return (v: string) => {
    if (!v.trim()) throw new InvalidArgumentError(`${what} cannot be empty`);
    if (v.length > max) throw new InvalidArgumentError(`${what} is at most ${max} characters`);
    if (v.includes('\\')) throw new InvalidArgumentError(`${what} cannot contain a backslash (the DICOM value separator)`);
    return v;
  };
}

interface GenerateOpts {
  modality?: (typeof MODALITIES)[number];
  protocol?: string;
  slices?: number;
  out?: string;
  patient: string;
  patientId: string;
  birthDate?: string;
  sex?: string;
  accession?: string;
  seed?: number;
  list?: boolean;
}

export function register(program: Command): void {
  program
    .command('generate')
    .description('write a synthetic study (CT, DX, MR or US) as DICOM files: real pixels, valid IODs, same seed ⇒ same bytes')
    .option('--modality <modality>', 'CT, DX, MR or US (the default protocol of that modality unless --protocol)', (v) => {
      const m = v.toUpperCase();
      if (!(MODALITIES as readonly string[]).includes(m)) throw new InvalidArgumentError(`the modality is one of ${MODALITIES.join(', ')}`);
      return m;
    })
    .option('--protocol <id>', 'a protocol id, e.g. ct-chest, ct-head, dx-hand, mr-brain, us-cardiac-cine (see --list)')
    .option('--slices <n>', 'CT only: number of axial slices', wholeNumber('--slices', 1, 1000))
    .option('--out <dir>', 'folder to write the files into (created if needed)')
    .option('--patient <name>', "patient's name, DICOM style FAMILY^GIVEN", maxLength('--patient', 64), 'DOE^JANE')
    .option('--patient-id <id>', 'patient ID', maxLength('--patient-id', 64), 'PL000001')
    .option('--birth-date <yyyymmdd>', "patient's birth date", (v) => {
      if (!/^\d{8}$/.test(v)) throw new InvalidArgumentError('--birth-date is YYYYMMDD, e.g. 19800131');
      return v;
    })
    .addOption(new Option('--sex <sex>', "patient's sex").choices(['M', 'F', 'O']))
    .option('--accession <number>', 'accession number (at most 16 characters)', maxLength('--accession', 16))
    .option('--seed <n>', 'random seed: the same options and seed give identical files (default: a random seed, printed)', wholeNumber('--seed', 0, Number.MAX_SAFE_INTEGER))
    .option('--list', 'list the protocols and exit')
    .action(async (o: GenerateOpts) => {
      const { PROTOCOLS, protocolsFor, writeStudy, GenerateError } = await import('@/sim/modality/generate');
      if (o.list) {
        for (const p of PROTOCOLS) console.log(`${p.id.padEnd(16)} ${p.modality}  ${String(p.defaultImages).padStart(4)} image(s)  ${p.label}: ${p.description}`);
        return;
      }
      if (!o.out) fail('--out <dir> is required: the folder to write the files into');
      if (!o.modality && !o.protocol) fail('say what to acquire: --modality CT|DX|MR|US or --protocol <id> (see --list)');
      const protocol = o.protocol ? PROTOCOLS.find((p) => p.id === o.protocol) : protocolsFor(o.modality!)[0];
      if (!protocol) fail(`unknown protocol "${o.protocol}": use one of ${PROTOCOLS.map((p) => p.id).join(', ')}`);
      if (o.modality && protocol.modality !== o.modality) fail(`protocol ${protocol.id} is ${protocol.modality}, not ${o.modality}`);
      if (o.slices !== undefined && protocol.modality !== 'CT') fail(`--slices applies to CT only (${protocol.id} is ${protocol.modality})`);
      const seed = o.seed ?? randomInt(0, 2 ** 31);
      const t0 = performance.now();
      try {
        const r = await writeStudy(
          {
            protocolId: protocol.id,
            seed,
            slices: o.slices,
            patient: { patientName: o.patient, patientId: o.patientId, patientBirthDate: o.birthDate, patientSex: o.sex },
            study: o.accession ? { accessionNumber: o.accession } : undefined,
          },
          o.out,
        );
        const s = (performance.now() - t0) / 1000;
        const series = new Map<number, { description: string; count: number }>();
        for (const f of r.files) {
          const e = series.get(f.image.seriesNumber) ?? { description: f.image.seriesDescription, count: 0 };
          e.count++;
          series.set(f.image.seriesNumber, e);
        }
        console.log(`${protocol.label} (${protocol.id}), seed ${seed}: ${r.files.length} file(s) in ${o.out}`);
        console.log(`  study ${r.studyInstanceUid}`);
        for (const [n, e] of series) console.log(`  series ${n} "${e.description}": ${e.count} image(s)`);
        console.log(`  first ${r.files[0].path}`);
        console.log(`  last  ${r.files[r.files.length - 1].path}`);
        console.log(`took ${s.toFixed(2)} s`);
      } catch (e) {
        if (e instanceof GenerateError) fail(e.message);
        throw e;
      }
    });
}
