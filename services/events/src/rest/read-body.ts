import type { IncomingMessage } from 'node:http';

/** Media types `POST /v1/events` reads; `text/plain` is what `navigator.sendBeacon` sends. */
export const ACCEPTED_MEDIA_TYPES: ReadonlySet<string> = new Set([
  'application/json',
  'text/plain',
]);

/** A request body that could not be read, with the HTTP answer it deserves. */
export interface BodyRefusal {
  status: 400 | 413 | 415;
  code: 'BAD_REQUEST' | 'PAYLOAD_TOO_LARGE' | 'UNSUPPORTED_MEDIA_TYPE';
  message: string;
}

export type BodyText = { ok: true; text: string } | ({ ok: false } & BodyRefusal);

function refuse(
  status: BodyRefusal['status'],
  code: BodyRefusal['code'],
  message: string,
): BodyText {
  return { ok: false, status, code, message };
}

/** Checks the headers before any byte is read, so a refused body is never buffered. */
function refusalOfHeaders(req: IncomingMessage, maxBytes: number): BodyText | undefined {
  const [mediaType = '', ...parameters] = (req.headers['content-type'] ?? '').split(';');
  if (!ACCEPTED_MEDIA_TYPES.has(mediaType.trim().toLowerCase())) {
    return refuse(
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      'Content-Type must be application/json or text/plain.',
    );
  }
  const charset = parameters
    .map((parameter) => parameter.trim().toLowerCase())
    .find((parameter) => parameter.startsWith('charset='))
    ?.slice('charset='.length)
    .replace(/"/g, '');
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    return refuse(415, 'UNSUPPORTED_MEDIA_TYPE', 'The body must be UTF-8.');
  }
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity') {
    return refuse(415, 'UNSUPPORTED_MEDIA_TYPE', 'Compressed bodies are not accepted.');
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) return tooLarge(maxBytes);
  return undefined;
}

function tooLarge(maxBytes: number): BodyText {
  return refuse(413, 'PAYLOAD_TOO_LARGE', `Request body exceeds the limit of ${maxBytes} bytes.`);
}

/**
 * Reads a JSON or text body as UTF-8 text, at most `maxBytes` of it. A refused body is
 * drained and discarded rather than left on the socket: closing a connection with unread
 * bytes resets it, and the client might never see the answer.
 */
export async function readBodyText(req: IncomingMessage, maxBytes: number): Promise<BodyText> {
  const refusal = refusalOfHeaders(req, maxBytes);
  if (refusal !== undefined) {
    req.resume();
    return refusal;
  }
  return new Promise<BodyText>((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (result: BodyText) => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      // Whatever is left flows on and is dropped.
      req.resume();
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) settle(tooLarge(maxBytes));
      else chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => settle(decodeUtf8(Buffer.concat(chunks))));
    req.once('error', () => settle(refuse(400, 'BAD_REQUEST', 'The body could not be read.')));
  });
}

function decodeUtf8(bytes: Buffer): BodyText {
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return refuse(400, 'BAD_REQUEST', 'The body is not valid UTF-8.');
  }
}
