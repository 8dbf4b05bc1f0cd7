import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FeishuApiError } from '../feishu-auth.errors.js';
import { resolveFeishuAuthOptions } from '../feishu-auth.options.js';
import { FeishuHttpClient } from './feishu-http.client.js';

type Handler = (request: IncomingMessage, response: ServerResponse, attempt: number) => void;

describe('FeishuHttpClient', () => {
  let server: Server;
  let baseUrl: string;
  let attempts: number;
  let handler: Handler;

  beforeAll(async () => {
    server = createServer((request, response) => {
      attempts++;
      request.resume();
      request.on('end', () => handler(request, response, attempts));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => {
    attempts = 0;
  });

  const call = (http: FeishuHttpClient, extra: object = {}) =>
    http.request<{ code: number; data?: unknown }>({
      method: 'POST',
      url: `${baseUrl}/open-apis/x`,
      body: {},
      ...extra,
    });

  it('should resolve a code 0 answer and capture x-tt-logid', async () => {
    handler = (_req, res) =>
      json(res, 200, { code: 0, data: { ok: true } }, { 'x-tt-logid': 'log-1' });

    const response = await call(client());

    expect(response.body.data).toEqual({ ok: true });
    expect(response.logId).toBe('log-1');
    expect(attempts).toBe(1);
  });

  it('should retry HTTP 5xx exactly `retries` times, then throw a transient error', async () => {
    handler = (_req, res) => json(res, 502, { code: 0 });

    const error = await failure(call(client({ retries: 2 })));

    expect(attempts).toBe(3);
    expect(error.kind).toBe('transient');
    expect(error.httpStatus).toBe(502);
  });

  it('should retry Feishu transient code 20050 and succeed on the next attempt', async () => {
    handler = (_req, res, attempt) =>
      attempt === 1
        ? json(res, 500, {
            code: 20050,
            error: 'server_error',
            error_description: 'An unexpected server error occurred.',
          })
        : json(res, 200, { code: 0 });

    await call(client());

    expect(attempts).toBe(2);
  });

  it('should not retry an error that cannot succeed, and read the code of an HTTP 200 answer', async () => {
    handler = (_req, res) =>
      json(res, 200, { code: 10014, msg: 'app secret invalid' }, { 'x-tt-logid': 'log-2' });

    const error = await failure(call(client()));

    expect(attempts).toBe(1);
    expect(error).toMatchObject({
      code: 10014,
      kind: 'config',
      httpStatus: 200,
      logId: 'log-2',
      endpoint: '/open-apis/x',
    });
    expect(error.hint).toMatch(/appSecret/);
  });

  it('should classify a used refresh token as reauth without retrying', async () => {
    handler = (_req, res) =>
      json(res, 400, {
        code: 20064,
        error: 'invalid_grant',
        error_description: 'The refresh token has been revoked.',
      });

    const error = await failure(call(client()));

    expect(attempts).toBe(1);
    expect(error).toMatchObject({ code: 20064, kind: 'reauth', oauthError: 'invalid_grant' });
  });

  it('should turn a timeout into kind timeout', async () => {
    handler = (_req, res) => setTimeout(() => json(res, 200, { code: 0 }), 1000);

    const error = await failure(call(client({ timeoutMs: 50, retries: 0 })));

    expect(error.kind).toBe('timeout');
    expect(error.code).toBe(-1);
    expect(attempts).toBe(1);
  });

  it('should not retry a timed-out non-idempotent request (a refresh token is single use)', async () => {
    handler = (_req, res) => setTimeout(() => json(res, 200, { code: 0 }), 1000);

    const error = await failure(call(client({ timeoutMs: 50, retries: 2 }), { idempotent: false }));

    expect(error.kind).toBe('timeout');
    expect(attempts).toBe(1);
  });

  it('should retry a non-idempotent request that Feishu answered with a 5xx', async () => {
    handler = (_req, res) => json(res, 503, { code: 20072, error: 'temporarily_unavailable' });

    const error = await failure(call(client({ retries: 1 }), { idempotent: false }));

    expect(attempts).toBe(2);
    expect(error.code).toBe(20072);
  });

  it('should treat a malformed JSON body as a transient error and retry it', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"code":0,');
    };

    const error = await failure(call(client({ retries: 1 })));

    expect(attempts).toBe(2);
    expect(error).toMatchObject({ kind: 'transient', code: -1, httpStatus: 200 });
  });

  it('should wait for x-ogw-ratelimit-reset on a 429, then retry', async () => {
    handler = (_req, res, attempt) =>
      attempt === 1
        ? json(
            res,
            429,
            { code: 99991400, msg: 'request trigger frequency limit' },
            { 'x-ogw-ratelimit-reset': '0' },
          )
        : json(res, 200, { code: 0 });

    await call(client());

    expect(attempts).toBe(2);
  });

  it('should fail fast as rate-limited when the reset is longer than the timeout', async () => {
    handler = (_req, res) =>
      json(
        res,
        429,
        { code: 99991400, msg: 'request trigger frequency limit' },
        { 'x-ogw-ratelimit-reset': '60' },
      );

    const error = await failure(call(client({ timeoutMs: 1000 })));

    expect(attempts).toBe(1);
    expect(error).toMatchObject({ kind: 'rate-limited', retryAfterMs: 60000 });
  });

  it('should report an unreachable host as transient, retried', async () => {
    const unreachable = new FeishuHttpClient(
      resolveFeishuAuthOptions({
        appId: 'cli_test',
        appSecret: 'secret',
        redirectUri: 'https://example.com/cb',
        session: { secret: 'session-secret-0123456789abcdefghij' },
        http: { retries: 1, retryBaseDelayMs: 1, retryMaxDelayMs: 1 },
      }),
    );

    const error = await failure(
      unreachable.request({ method: 'GET', url: 'http://127.0.0.1:1/open-apis/y' }),
    );

    expect(error).toMatchObject({
      kind: 'transient',
      code: -1,
      httpStatus: undefined,
      endpoint: '/open-apis/y',
    });
  });
});

function client(http: Record<string, number> = {}): FeishuHttpClient {
  return new FeishuHttpClient(
    resolveFeishuAuthOptions({
      appId: 'cli_test',
      appSecret: 'secret',
      redirectUri: 'https://example.com/cb',
      session: { secret: 'session-secret-0123456789abcdefghij' },
      http: { retries: 2, retryBaseDelayMs: 1, retryMaxDelayMs: 2, timeoutMs: 2000, ...http },
    }),
  );
}

function json(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

async function failure(promise: Promise<unknown>): Promise<FeishuApiError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(FeishuApiError);
  return error as FeishuApiError;
}
