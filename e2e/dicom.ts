// DCMTK from the e2e tests: real DICOM clients against the e2e server's listener (TCP_NODELAY=1: see README).
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { E2E } from './env';

export const SAMPLES = '/usr/lib/python3/dist-packages/pydicom/data/test_files';

export function dcmtk(tool: string, args: string[]) {
  const r = spawnSync(tool, args, { env: { ...process.env, TCP_NODELAY: '1' }, encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw new Error(`${tool} could not run (${r.error.message}); install dcmtk`);
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

export function storescu(calling: string, called: string, files: string[], extra: string[] = []) {
  return dcmtk('storescu', ['-aet', calling, '-aec', called, ...extra, '127.0.0.1', String(E2E.dicomPort), ...files]);
}

export function echoscu(calling: string, called: string) {
  return dcmtk('echoscu', ['-aet', calling, '-aec', called, '127.0.0.1', String(E2E.dicomPort)]);
}

/**
 * A copy of a sample as a study of its own (new Study, Series and SOP Instance UIDs; pixel data untouched), with
 * its patient's name and an ID made from it.
 */
export function asOwnStudy(dir: string, file: string, patientName: string): { path: string; study: string; patientId: string } {
  const path = join(dir, file);
  const patientId = patientName.replace(/\W/g, '').slice(0, 16);
  copyFileSync(join(SAMPLES, file), path);
  execFileSync('dcmodify', ['-nb', '-gst', '-gse', '-gin', '-m', `PatientName=${patientName}`, '-m', `PatientID=${patientId}`, path]);
  const study = /\[([0-9.]+)\]/.exec(execFileSync('dcmdump', ['-q', '+P', '0020,000d', path]).toString())![1];
  return { path, study, patientId };
}

/** The file the archive wrote for an instance (ARCHIVE_DIR/{sandbox}/{study}/{series}/{sop}.dcm). */
export function storedFile(sop: string): Buffer {
  const root = join(E2E.dir, 'archive');
  const hit = readdirSync(root, { recursive: true, withFileTypes: true }).find((d) => d.isFile() && d.name === `${sop}.dcm`);
  if (!hit) throw new Error(`no stored file for ${sop} under ${root}`);
  return readFileSync(join(hit.parentPath, hit.name));
}
