// The HL7 v2 MLLP listener (orders and patient updates in) as its own process: `npx tsx sim/hl7d.ts`
// (npm run hl7); `npm start` runs it beside the web site and the DICOM services. Shuts down on SIGTERM/SIGINT.
import { createDb, databaseUrl } from '../prisma/db';
import { applyMigrations } from '../prisma/migrate';
import { closeOnSignals, runIfEntry } from './processLifecycle';
import { hl7PortFromEnv, startHl7Listener } from './ris/hl7/hl7Listener';

export async function main() {
  const url = databaseUrl();
  await applyMigrations(url);
  const db = createDb(url);
  const address = hl7PortFromEnv();
  const hl7 = await startHl7Listener({ db, ...address });
  console.log(`HL7 v2 MLLP listener on ${address.host}:${hl7.port} (ORM^O01, OMI^O23, ADT^A08, ADT^A40; MSH-5 names the sandbox's RIS AE)`);
  closeOnSignals('HL7 listener', async () => {
    await hl7.close();
    await db.$disconnect();
  });
}

runIfEntry(import.meta.url, main);
