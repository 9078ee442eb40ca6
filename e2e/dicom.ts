// DCMTK from the e2e tests: real DICOM clients against the e2e server's listener (TCP_NODELAY=1: see README).
import { spawnSync } from 'node:child_process';
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
