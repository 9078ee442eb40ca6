// The HL7 v2 MLLP listener (default 127.0.0.1:2575, HL7_PORT / HL7_HOST): every sandbox on one port, routed by
// MSH-5 (hl7Intake.ts). One message at a time per connection, as MLLP senders expect: each frame is answered
// with its ACK before the next one is handled. Every message and its answer go to the Hl7Message log.
import net from 'node:net';
import type { Db } from '../../../prisma/db';
import { handleHl7Message, logText, type IntakeResult } from './hl7Intake';
import { DEFAULT_MAX_FRAME_BYTES, encodeMllpFrame, MllpDecoder, MllpFrameTooLarge } from './mllp';

export interface Hl7ListenerOptions {
  db: Db;
  host?: string;
  port?: number;
  maxFrameBytes?: number;
  /** close a connection silent for this long (default 5 minutes) */
  idleTimeoutMs?: number;
}

export interface Hl7Listener {
  port: number;
  host: string;
  close(): Promise<void>;
}

export function hl7PortFromEnv(env: NodeJS.ProcessEnv = process.env): { host: string; port: number } {
  const host = env.HL7_HOST?.trim() || '127.0.0.1';
  const port = Number(env.HL7_PORT ?? 2575);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`HL7_PORT must be a port number, not "${env.HL7_PORT}"`);
  return { host, port };
}

async function logMessage(db: Db, payload: Buffer, r: IntakeResult, peerAddress: string) {
  try {
    await db.hl7Message.create({
      data: {
        sandboxId: r.sandboxId,
        direction: 'in',
        messageType: logText(r.messageType, 64),
        controlId: logText(r.controlId, 199),
        status: r.status,
        error: logText(r.error),
        placerOrderNumber: logText(r.placerOrderNumber, 199),
        accessionNumber: r.accessionNumber,
        peerAddress,
        raw: logText(payload),
        ack: logText(r.ack),
      },
    });
  } catch (e) {
    // the message was already answered; a lost log row must not take the connection down
    console.error('hl7: could not write the message log', e);
  }
}

export async function startHl7Listener(opts: Hl7ListenerOptions): Promise<Hl7Listener> {
  const { db } = opts;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    const peer = `${socket.remoteAddress ?? ''}:${socket.remotePort ?? ''}`;
    const decoder = new MllpDecoder(opts.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES);
    const queue: Buffer[] = [];
    let busy = false;
    socket.setNoDelay(true);
    socket.setTimeout(opts.idleTimeoutMs ?? 5 * 60_000, () => socket.destroy());

    const drain = async () => {
      if (busy) return;
      busy = true;
      socket.pause();
      try {
        while (queue.length && !socket.destroyed) {
          const payload = queue.shift()!;
          const r = await handleHl7Message(db, payload);
          if (r.interfaceStopped) {
            // The sandbox's inbound interface is stopped (interfaceState.ts). We behave as an interface engine whose
            // RIS channel is down: the message is neither applied nor acknowledged, and the connection is closed, so
            // the sender (original mode, HL7 2.9.2) keeps it and resends it once the interface runs again. It is not
            // written to the RIS's message log (the RIS never received it); one console line says why.
            console.warn(`hl7: ${peer}: ${r.messageType || 'message'} ${r.controlId} for a sandbox whose inbound interface is stopped (since ${r.interfaceStopped.since.toISOString()}${r.interfaceStopped.reason ? `: ${r.interfaceStopped.reason}` : ''}): not applied, connection closed without an ACK`);
            queue.length = 0;
            socket.destroy();
            return;
          }
          await logMessage(db, payload, r, peer);
          if (!socket.destroyed) socket.write(encodeMllpFrame(r.ack));
        }
      } finally {
        busy = false;
        if (!socket.destroyed) socket.resume();
      }
    };

    socket.on('data', (chunk: Buffer) => {
      try {
        queue.push(...decoder.push(chunk));
      } catch (e) {
        if (e instanceof MllpFrameTooLarge) console.error(`hl7: ${peer}: ${e.message}; closing the connection`);
        else console.error(`hl7: ${peer}: framing error`, e);
        socket.destroy();
        return;
      }
      drain().catch((e) => {
        console.error(`hl7: ${peer}: could not answer`, e);
        socket.destroy();
      });
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 2575, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as net.AddressInfo;
  return {
    port: address.port,
    host: address.address,
    close() {
      return new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      });
    },
  };
}
