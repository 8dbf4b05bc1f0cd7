import { FeishuEmulator } from './emulator.js';
import type { FeishuEmulatorOptions } from './emulator.options.js';
import { basic, type Json } from './emulator.spec-harness.js';

const statuses = async (count: number, call: () => Promise<{ status: number }>) => {
  const seen: number[] = [];
  for (let index = 0; index < count; index++) seen.push((await call()).status);
  return seen;
};

describe('rate limiting', () => {
  let emulator: FeishuEmulator;
  let now: number;

  const start = async (rateLimit: FeishuEmulatorOptions['rateLimit']) => {
    emulator = await FeishuEmulator.start({ clock: () => now, rateLimit });
  };
  const post = async (path: string, body: Json, headers: Record<string, string> = {}) => {
    const response = await fetch(`${emulator.url}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    return {
      status: response.status,
      limit: response.headers.get('x-ogw-ratelimit-limit'),
      reset: response.headers.get('x-ogw-ratelimit-reset'),
      body: (await response.json()) as Json,
    };
  };
  const token = (clientId = 'cli_emulator_selfbuilt') =>
    post('/open-apis/authen/v2/oauth/token', {
      grant_type: 'authorization_code',
      client_id: clientId,
      client_secret: 'x',
      code: 'x',
    });

  const credentials = (id: string, secret: string) =>
    post(
      '/oauth/v3/token',
      { grant_type: 'client_credentials' },
      { Authorization: basic(id, secret) },
    );
  const authorize = async () =>
    (await fetch(`${emulator.url}/open-apis/authen/v1/authorize?client_id=cli_emulator_selfbuilt`))
      .status;
  const tenantToken = () =>
    post('/open-apis/auth/v3/tenant_access_token/internal', {
      app_id: 'cli_emulator_selfbuilt',
      app_secret: 'emulator-self-built-secret',
    });

  beforeEach(() => {
    // 10 s into a minute, so the per-minute window has 50 s left.
    now = Date.UTC(2026, 0, 1, 0, 0, 10);
  });
  afterEach(() => emulator.close());

  it('should answer 429 with 99991400 and the x-ogw headers past the per-second cap', async () => {
    await start({ perSecond: 2, perMinute: 100 });
    expect(await statuses(2, () => token())).toEqual([400, 400]);
    expect(await token()).toEqual({
      status: 429,
      limit: '2',
      reset: '1',
      body: { code: 99991400, msg: 'request trigger frequency limit' },
    });
    now += 1000;
    expect((await token()).status).toBe(400);
  });

  it('should answer 429 past the per-minute cap until the minute ends', async () => {
    await start({ perSecond: 100, perMinute: 3 });
    expect(await statuses(3, () => token())).toEqual([400, 400, 400]);
    now += 1000;
    expect(await token()).toMatchObject({ status: 429, limit: '3', reset: '49' });
    now = Date.UTC(2026, 0, 1, 0, 1, 0);
    expect((await token()).status).toBe(400);
  });

  it('should count each app separately', async () => {
    await start({ perSecond: 1, perMinute: 100 });
    expect((await token('cli_emulator_selfbuilt')).status).toBe(400);
    expect((await token('cli_emulator_other')).status).toBe(400);
    expect((await token('cli_emulator_selfbuilt')).status).toBe(429);
  });

  it('should count v3 callers that authenticate with HTTP Basic per app', async () => {
    await start({ perSecond: 1, perMinute: 100 });
    expect((await credentials('cli_emulator_selfbuilt', 'emulator-self-built-secret')).status).toBe(
      200,
    );
    expect((await credentials('cli_emulator_other', 'emulator-other-secret')).status).toBe(200);
    expect((await credentials('cli_emulator_other', 'emulator-other-secret')).status).toBe(429);
  });

  it('should apply the documented 50 per second with rateLimit: true', async () => {
    await start(true);
    const seen = await statuses(51, () => token());
    expect(seen.filter((status) => status === 429)).toHaveLength(1);
    expect(seen[50]).toBe(429);
    expect((await token()).limit).toBe('50');
  });

  it('should limit the authorize page per client_id', async () => {
    await start({ perSecond: 1, perMinute: 100 });
    expect(await authorize()).toBe(400);
    expect(await authorize()).toBe(429);
  });

  it('should not limit /auth/v3 or anything when rate limiting is off', async () => {
    await start({ perSecond: 1, perMinute: 1 });
    expect(await statuses(3, tenantToken)).toEqual([200, 200, 200]);
    await emulator.close();
    await start(false);
    expect(await statuses(60, () => token())).not.toContain(429);
  });

  it('should count limited calls in stats', async () => {
    await start({ perSecond: 1, perMinute: 100 });
    await statuses(3, () => token());
    expect(emulator.stats()).toEqual({ 'token.v2.authorization_code': 3 });
  });
});
