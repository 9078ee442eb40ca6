// What /api/health reports: the web process, the database and the DICOM listener, each with its own status.
import { connect } from 'node:net';
import { getDb } from '@/prisma/db';
import { databaseUrl, providerOf } from '@/prisma/db';
import { env } from './env';

export interface Check {
  status: 'up' | 'down';
  detail?: string;
  ms?: number;
}

async function timed(fn: () => Promise<string | void>): Promise<Check> {
  const t0 = performance.now();
  try {
    const detail = await fn();
    return { status: 'up', ...(detail ? { detail } : {}), ms: Math.round(performance.now() - t0) };
  } catch (error) {
    return { status: 'down', detail: error instanceof Error ? error.message : String(error), ms: Math.round(performance.now() - t0) };
  }
}

export function checkDatabase(): Promise<Check> {
  return timed(async () => {
    await getDb().$queryRawUnsafe('SELECT 1');
    return providerOf(databaseUrl());
  });
}

/** A TCP connection to the DICOM listener (the port a DICOM client would use). */
export function checkDicom(host = env().DICOM_HOST, port = env().DICOM_PORT): Promise<Check> {
  return checkTcp(host, port, 'the DICOM listener');
}

/** A TCP connection to the HL7 v2 MLLP listener (HL7_HOST/HL7_PORT, as sim/hl7d.ts binds it). */
export function checkHl7(): Promise<Check> {
  return checkTcp(process.env.HL7_HOST?.trim() || '127.0.0.1', Number(process.env.HL7_PORT ?? 2575), 'the HL7 listener');
}

/** A TCP connection to a listener of ours: is anything accepting connections there? */
export function checkTcp(host: string, port: number, what: string): Promise<Check> {
  return timed(
    () =>
      new Promise<string>((resolve, reject) => {
        const socket = connect({ host, port });
        const fail = (why: string) => {
          socket.destroy();
          reject(new Error(why));
        };
        socket.setTimeout(1000, () => fail(`no answer from ${host}:${port} within 1 s`));
        socket.once('connect', () => {
          socket.destroy();
          resolve(`${host}:${port}`);
        });
        socket.once('error', (e: NodeJS.ErrnoException) =>
          fail(e.code === 'ECONNREFUSED' ? `connection refused on ${host}:${port} (is ${what} running?)` : e.message),
        );
      }),
  );
}
