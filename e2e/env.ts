// One place for the e2e server's configuration, shared by playwright.config.ts, global set-up and the tests.
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = process.env.E2E_DATA_DIR ?? join(tmpdir(), `pacslab-e2e-${process.env.E2E_RUN_ID ?? 'run'}`);
const port = Number(process.env.E2E_PORT ?? 3111);
const dicomPort = Number(process.env.E2E_DICOM_PORT ?? 11212);
const hl7Port = Number(process.env.E2E_HL7_PORT ?? dicomPort - 8600);

export const E2E = {
  dir,
  baseURL: `http://127.0.0.1:${port}`,
  dicomPort,
  hl7Port,
  admin: { email: 'admin@e2e.test', password: 'admin password 1' },
  instructor: { email: 'instructor@e2e.test', password: 'teacher password 1' },
  serverEnv: {
    NODE_ENV: 'production',
    NEXT_TELEMETRY_DISABLED: '1',
    PORT: String(port),
    HOST: '127.0.0.1',
    DICOM_PORT: String(dicomPort),
    DICOM_HOST: '127.0.0.1',
    HL7_PORT: String(hl7Port),
    HL7_HOST: '127.0.0.1',
    DATA_DIR: dir,
    DATABASE_URL: `file:${join(dir, 'pacslab.db')}`,
    ARCHIVE_DIR: join(dir, 'archive'),
    MODALITY_DIR: join(dir, 'modality'),
    // the suite signs in and up more than five times a minute from one address
    AUTH_SIGNIN_PER_MINUTE: '50',
    // lets e2e/learning.spec.ts move the clock with an x-pacslab-now cookie (app/_lib/clock.ts); never set in production
    PACSLAB_ALLOW_CLOCK_OVERRIDE: '1',
  } as Record<string, string>,
};
