import { FeishuEmulator } from './emulator.js';

const APP = 'cli_emulator_selfbuilt';
const SECRET = 'emulator-self-built-secret';

type Json = Record<string, unknown>;

const answer = async (response: Response) => ({
  status: response.status,
  code: ((await response.json()) as Json).code,
});

describe('failNext fault injection', () => {
  let emulator: FeishuEmulator;

  const call = (path: string, body: Json, signal?: AbortSignal) =>
    fetch(`${emulator.url}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
      signal,
    });
  const tenantToken = (signal?: AbortSignal) =>
    call(
      '/open-apis/auth/v3/tenant_access_token/internal',
      { app_id: APP, app_secret: SECRET },
      signal,
    );
  const v2 = (grant: string) =>
    call('/open-apis/authen/v2/oauth/token', {
      grant_type: grant,
      client_id: APP,
      client_secret: SECRET,
      code: 'x',
      refresh_token: 'x',
    });
  const v3 = () =>
    call('/oauth/v3/token', {
      grant_type: 'client_credentials',
      client_id: APP,
      client_secret: SECRET,
    });

  beforeEach(async () => {
    emulator = await FeishuEmulator.start();
  });
  afterEach(() => emulator.close());

  it('should delay a call by delayMs and then serve it normally', async () => {
    emulator.failNext({ endpoint: 'tenant_access_token.internal', delayMs: 1000 });
    await expect(tenantToken(AbortSignal.timeout(50))).rejects.toMatchObject({
      name: 'TimeoutError',
    });
    expect(await answer(await tenantToken())).toEqual({ status: 200, code: 0 });
    expect(emulator.stats()).toEqual({ 'tenant_access_token.internal': 2 });
  });

  it('should answer the delayed call itself once the delay is over', async () => {
    emulator.failNext({ endpoint: 'tenant_access_token.internal', delayMs: 20 });
    expect(await answer(await tenantToken())).toEqual({ status: 200, code: 0 });
  });

  it('should answer truncated JSON for malformedBody', async () => {
    emulator.failNext({ endpoint: 'tenant_access_token.internal', malformedBody: true });
    const response = await tenantToken();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const text = await response.text();
    expect(() => JSON.parse(text) as unknown).toThrow(SyntaxError);
    expect(await answer(await tenantToken())).toEqual({ status: 200, code: 0 });
  });

  it('should cut the connection without an answer for resetConnection', async () => {
    emulator.failNext({ endpoint: 'tenant_access_token.internal', resetConnection: true });
    await expect(tenantToken()).rejects.toThrow('fetch failed');
    expect(await answer(await tenantToken())).toEqual({ status: 200, code: 0 });
  });

  it('should apply a fault to exactly `times` calls', async () => {
    emulator.failNext({
      endpoint: 'tenant_access_token.internal',
      status: 500,
      code: 10014,
      times: 3,
    });
    const statuses: number[] = [];
    for (let index = 0; index < 4; index++) statuses.push((await tenantToken()).status);
    expect(statuses).toEqual([500, 500, 500, 200]);
    expect(emulator.stats()).toEqual({ 'tenant_access_token.internal': 4 });
  });

  it('should match a stats key prefix and leave other endpoints alone', async () => {
    emulator.failNext({ endpoint: 'token.v2', status: 503, times: 2 });
    expect(await answer(await v3())).toEqual({ status: 200, code: 0 });
    expect(await answer(await tenantToken())).toEqual({ status: 200, code: 0 });
    expect(await answer(await v2('refresh_token'))).toEqual({ status: 503, code: 20072 });
    expect(await answer(await v2('authorization_code'))).toEqual({ status: 503, code: 20072 });
    expect(await answer(await v2('authorization_code'))).toEqual({ status: 400, code: 20003 });
  });

  it('should match an exact stats key only, not a longer one sharing its text', async () => {
    emulator.failNext({ endpoint: 'token.v2.refresh', status: 500 });
    expect((await v2('refresh_token')).status).toBe(400);
    emulator.clearFaults();
    emulator.failNext({ endpoint: 'token.v2.refresh_token', status: 500 });
    expect(await answer(await v2('authorization_code'))).toEqual({ status: 400, code: 20003 });
    expect(await answer(await v2('refresh_token'))).toEqual({ status: 500, code: 20050 });
  });

  it('should match a path prefix', async () => {
    emulator.failNext({ endpoint: '/open-apis/auth/v3', status: 429 });
    expect((await v3()).status).toBe(200);
    const limited = await tenantToken();
    expect(limited.status).toBe(429);
    expect(await limited.json()).toMatchObject({ code: 99991400 });
  });

  it('should hit any endpoint when no endpoint is given, in the order the faults were armed', async () => {
    emulator.failNext({ status: 500, code: 1 });
    emulator.failNext({ status: 500, code: 2 });
    expect((await answer(await v3())).code).toBe(1);
    expect((await answer(await tenantToken())).code).toBe(2);
    expect((await answer(await tenantToken())).code).toBe(0);
  });

  it('should not touch the control API', async () => {
    emulator.failNext({ resetConnection: true });
    expect((await fetch(`${emulator.url}/__emulator/stats`)).status).toBe(200);
    await expect(tenantToken()).rejects.toThrow('fetch failed');
  });

  it.each([
    [{ delayMs: -1 }, 'fault.delayMs must be a non-negative number'],
    [{ times: Number.NaN }, 'fault.times must be a non-negative number'],
    [{ status: 99 }, 'fault.status must be an HTTP status (100-599)'],
  ])('should refuse the invalid fault %j', (fault, message) => {
    expect(() => emulator.failNext(fault)).toThrow(message);
  });
});
