// The HL7 v2 MLLP listener (orders and patient updates in) as its own process: `npx tsx sim/hl7d.ts`
// (npm run hl7); `npm start` runs it beside the web site and the DICOM services. Shuts down on SIGTERM/SIGINT.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createDb, databaseUrl } from '../prisma/db';
import { applyMigrations } from '../prisma/migrate';
import { hl7PortFromEnv, startHl7Listener } from './ris/hl7/hl7Listener';

export async function main() {
  const url = databaseUrl();
  await applyMigrations(url);
  const db = createDb(url);
  const address = hl7PortFromEnv();
  const hl7 = await startHl7Listener({ db, ...address });
  console.log(`HL7 v2 MLLP listener on ${address.host}:${hl7.port} (ORM^O01, OMI^O23, ADT^A08, ADT^A40; MSH-5 names the sandbox's RIS AE)`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: closing the HL7 listener`);
    await hl7.close();
    await db.$disconnect();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
