import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BodyFields } from './request-body.js';

export interface RequestContext {
  request: IncomingMessage;
  response: ServerResponse;
  method: string;
  path: string;
  query: URLSearchParams;
  /** Parsed body; empty for a body that failed to parse on a route that ignores bodies. */
  body: BodyFields;
  rawBody: string;
  logId: string;
  /** Path parameters of a pattern route. */
  params: Record<string, string>;
}

/** A body or query field that must be a non-empty string; anything else counts as missing. */
export function stringField(fields: BodyFields, name: string): string | undefined {
  const value = fields[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A field present with the wrong JSON type (number, object…), which is a malformed request. */
export function hasNonStringField(fields: BodyFields, names: readonly string[]): boolean {
  return names.some(
    (name) =>
      fields[name] !== undefined && fields[name] !== null && typeof fields[name] !== 'string',
  );
}

export function bearerToken(request: IncomingMessage): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer +(\S+)\s*$/.exec(header);
  return match?.[1];
}

export interface BasicCredentials {
  clientId: string;
  clientSecret: string;
}

/** HTTP Basic client credentials (RFC 6749 §2.3.1), or undefined when absent or unreadable. */
export function basicCredentials(request: IncomingMessage): BasicCredentials | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Basic +(\S+)\s*$/i.exec(header);
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return {
    clientId: safeDecode(decoded.slice(0, colon)),
    clientSecret: safeDecode(decoded.slice(colon + 1)),
  };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}
