// multipart/related bodies (RFC 2387) as PS3.18 8.6.1.2 uses them: each part a Content-Type header, a blank
// line, the bytes. Writing streams part by part; reading parses a whole request body held in memory (STOW-RS
// caps its size first).
import { randomBytes } from 'node:crypto';

export interface Part {
  contentType: string;
  /** the part's bytes, or a source of chunks read only when the response is streamed */
  body: Buffer | (() => AsyncIterable<Uint8Array>);
  /** extra part headers, e.g. Content-Location */
  headers?: Record<string, string>;
}

export function newBoundary(): string {
  return `pacslab-${randomBytes(12).toString('hex')}`;
}

/**
 * A response body for the parts, streamed: nothing is read until the client pulls. The part header is written
 * `Content-Type:` exactly, and the body begins with the first boundary (no preamble): Cornerstone's multipart
 * reader relies on both.
 */
export function multipartStream(parts: readonly Part[], boundary: string): ReadableStream<Uint8Array> {
  async function* chunks(): AsyncGenerator<Uint8Array> {
    for (const p of parts) {
      const extra = Object.entries(p.headers ?? {}).map(([k, v]) => `${k}: ${v}\r\n`).join('');
      yield Buffer.from(`--${boundary}\r\nContent-Type: ${p.contentType}\r\n${extra}\r\n`, 'latin1');
      if (Buffer.isBuffer(p.body)) yield p.body;
      else for await (const c of p.body()) yield c;
      yield Buffer.from('\r\n', 'latin1');
    }
    yield Buffer.from(`--${boundary}--\r\n`, 'latin1');
  }
  const it = chunks();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { value, done } = await it.next();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (e) {
        controller.error(e);
      }
    },
    async cancel() {
      await it.return(undefined);
    },
  });
}

export class MultipartError extends Error {}

/** The `boundary` parameter of a multipart Content-Type, or undefined. */
export function boundaryOf(contentType: string): string | undefined {
  const m = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return m ? (m[1] ?? m[2]) : undefined;
}

export interface ParsedPart {
  headers: Record<string, string>;
  body: Buffer;
}

/** Splits a multipart body into its parts (headers lower-cased). Throws MultipartError when malformed. */
export function parseMultipart(body: Buffer, boundary: string): ParsedPart[] {
  const delimiter = Buffer.from(`--${boundary}`, 'latin1');
  let pos = body.indexOf(delimiter);
  if (pos < 0) throw new MultipartError(`the body has no "--${boundary}" delimiter`);
  const parts: ParsedPart[] = [];
  for (;;) {
    pos += delimiter.length;
    // the close delimiter "--boundary--" ends the body
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) return parts;
    // transport padding, then CRLF
    while (body[pos] === 0x20 || body[pos] === 0x09) pos++;
    if (body[pos] === 0x0d && body[pos + 1] === 0x0a) pos += 2;
    else if (body[pos] === 0x0a) pos += 1;
    else throw new MultipartError(`a delimiter is not followed by a line break at byte ${pos}`);
    let headerEnd = body.indexOf('\r\n\r\n', pos, 'latin1');
    let sepLen = 4;
    if (headerEnd < 0) {
      headerEnd = body.indexOf('\n\n', pos, 'latin1');
      sepLen = 2;
    }
    if (headerEnd < 0) throw new MultipartError('a part has no blank line after its headers');
    const headers: Record<string, string> = {};
    const headerText = body.toString('latin1', pos, headerEnd);
    for (const line of headerText.split(/\r?\n/)) {
      if (!line.trim()) continue;
      const colon = line.indexOf(':');
      if (colon < 0) throw new MultipartError(`a part header line has no colon: "${line.slice(0, 60)}"`);
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const start = headerEnd + sepLen;
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n', 'latin1'), delimiter]), start);
    if (next < 0) throw new MultipartError('the body ends before the closing delimiter');
    parts.push({ headers, body: body.subarray(start, next) });
    pos = next + 2;
  }
}
