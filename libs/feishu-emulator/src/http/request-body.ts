import type { IncomingMessage } from 'node:http';

export const MAX_BODY_BYTES = 64 * 1024;
/** Past this the connection is cut instead of drained. */
const MAX_DRAIN_BYTES = 16 * 1024 * 1024;

export type BodyFields = Record<string, unknown>;

export type ParsedBody =
  | { kind: 'ok'; fields: BodyFields; raw: string }
  | { kind: 'malformed'; raw: string }
  | { kind: 'too-large' };

/**
 * Reads the whole body (draining, not buffering, anything over the limit so the client still gets
 * an answer) and parses JSON or x-www-form-urlencoded; an empty body is an empty object.
 */
export async function readBody(request: IncomingMessage): Promise<ParsedBody> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_DRAIN_BYTES) {
      request.destroy();
      return { kind: 'too-large' };
    }
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
  }
  if (size > MAX_BODY_BYTES) return { kind: 'too-large' };
  const raw = Buffer.concat(chunks).toString('utf8');
  return parseBody(raw, request.headers['content-type']);
}

export function parseBody(raw: string, contentType: string | undefined): ParsedBody {
  if (raw.trim() === '') return { kind: 'ok', fields: {}, raw };
  const type = (contentType ?? '').toLowerCase();
  if (type.includes('application/x-www-form-urlencoded')) {
    return { kind: 'ok', fields: Object.fromEntries(new URLSearchParams(raw)), raw };
  }
  try {
    const value: unknown = JSON.parse(raw);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return { kind: 'malformed', raw };
    }
    return { kind: 'ok', fields: value as BodyFields, raw };
  } catch {
    return { kind: 'malformed', raw };
  }
}
