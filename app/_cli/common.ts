// Helpers shared by the command modules of the `pacslab` command line.
import { type Command, InvalidArgumentError } from 'commander';

export function fail(message: string): never {
  console.error(`pacslab: ${message}`);
  process.exit(1);
}

export function peerOptions(cmd: Command, calledDefault = 'PACS') {
  return cmd
    .option('--host <host>', 'DICOM host', process.env.DICOM_HOST || '127.0.0.1')
    .option('--port <port>', 'DICOM port', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1 || n > 65535) throw new InvalidArgumentError('a port is a whole number from 1 to 65535');
      return n;
    }, Number(process.env.DICOM_PORT || 11112))
    .option('--aet <ae>', 'our (calling) AE title', 'CT1')
    .option('--aec <ae>', 'their (called) AE title', calledDefault);
}

export type PeerOpts = { host: string; port: number; aet: string; aec: string };
export const toPeer = (o: PeerOpts) => ({ host: o.host, port: o.port, callingAe: o.aet, calledAe: o.aec });

export async function dicomAction<T>(fn: () => Promise<T>) {
  const { ScuError } = await import('@/sim/dimse/client');
  try {
    return await fn();
  } catch (e) {
    if (e instanceof ScuError) fail(e.message);
    throw e;
  }
}

