import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { feishuMessage, OAUTH_ERRORS, oauthStatus } from '../emulator.messages.js';

/** How an endpoint reports errors: OAuth (`code,error,error_description`), or Feishu `{code,msg}`. */
export type ErrorShape = 'oauth' | 'feishu';

export function newLogId(now: number): string {
  const stamp = new Date(now).toISOString().replace(/\D/g, '').slice(0, 14);
  return `${stamp}${randomBytes(10).toString('hex').toUpperCase()}`;
}

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (response.headersSent || response.destroyed) return;
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

export function sendHtml(response: ServerResponse, status: number, html: string): void {
  if (response.headersSent || response.destroyed) return;
  response.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(html),
  });
  response.end(html);
}

export function sendRedirect(response: ServerResponse, location: string): void {
  if (response.headersSent || response.destroyed) return;
  response.writeHead(302, { Location: location, 'Content-Length': 0 });
  response.end();
}

/** An OAuth token-endpoint error with the documented text and status. */
export function sendOAuthError(
  response: ServerResponse,
  code: number,
  status?: number,
  description?: string,
): void {
  const known = OAUTH_ERRORS[code];
  sendJson(
    response,
    status ?? oauthStatus(code),
    {
      code,
      error: known?.error ?? 'invalid_request',
      error_description: description ?? known?.description ?? 'emulated error',
    },
    { 'Cache-Control': 'no-store', Pragma: 'no-cache' },
  );
}

export function sendFeishuError(
  response: ServerResponse,
  status: number,
  code: number,
  msg: string = feishuMessage(code),
  headers: Record<string, string> = {},
): void {
  const logId = response.getHeader('X-Tt-Logid');
  sendJson(
    response,
    status,
    {
      code,
      msg,
      error: typeof logId === 'string' ? { log_id: logId } : undefined,
    },
    headers,
  );
}

/** An error in the endpoint's own shape: a fault or a bad request hitting any endpoint. */
export function sendShapedError(
  response: ServerResponse,
  shape: ErrorShape,
  status: number | undefined,
  code: number,
  msg?: string,
): void {
  if (shape === 'oauth') sendOAuthError(response, code, status, msg);
  else sendFeishuError(response, status ?? defaultFeishuStatus(code), code, msg);
}

function defaultFeishuStatus(code: number): number {
  if (code === 99991400) return 429;
  if (code >= 99991000) return 400;
  return 200;
}
