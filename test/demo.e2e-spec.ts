import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { FeishuTokenStore, TokenService } from '@feishu-auth/nestjs';
import { startDemo, type RunningDemo } from '../apps/demo/src/demo.bootstrap.js';
import { DemoConfigError } from '../apps/demo/src/demo.config.js';
import { HTTP_PLATFORMS } from './support/http-platform.js';
import { calls } from './support/emulator-calls.js';

const ZHANG_SAN = 'ou_78aeb5207746c1ae408063a8c9741149';

type Agent = ReturnType<typeof request.agent>;

/** Logs in through the emulator's `login_hint` (no consent page): login → authorize → callback. */
async function signIn(demo: RunningDemo, openId: string): Promise<Agent> {
  const agent = request.agent(demo.url);
  const login = await agent.get('/auth/feishu/login').expect(302);
  const authorize = new URL(login.headers.location);
  expect(authorize.origin).toBe(demo.emulator!.url);
  authorize.searchParams.set('login_hint', openId);
  const consent = await fetch(authorize, { redirect: 'manual' });
  expect(consent.status).toBe(302);
  const callback = new URL(consent.headers.get('location')!);
  expect(`${callback.origin}${callback.pathname}`).toBe(`${demo.url}/auth/feishu/callback`);
  await agent.get(`${callback.pathname}${callback.search}`).expect(302).expect('Location', '/');
  return agent;
}

describe.each(HTTP_PLATFORMS)('demo app on %s on the embedded emulator', (platform) => {
  let demo: RunningDemo;
  const banner: string[] = [];

  beforeAll(async () => {
    demo = await startDemo({
      env: { DEMO_PLATFORM: platform },
      port: 0,
      emulatorPort: 0,
      print: (line) => banner.push(line),
      logger: false,
    });
  });

  afterAll(async () => {
    await demo?.close();
  });

  it('should print the URL to open, the emulator as target and its test users', () => {
    const text = banner.join('\n');
    expect(text).toContain(`Open ${demo.url} in your browser.`);
    expect(text).toContain(`embedded Feishu emulator at ${demo.emulator!.url}`);
    for (const user of demo.emulator!.users) {
      expect(text).toContain(`${user.name} (${user.enName}): open_id ${user.openId}`);
    }
    expect(text).toContain('user 120 s, app and tenant 180 s');
  });

  it('should register its own callback URL with the emulator', () => {
    const app = demo.emulator!.apps.find(
      (candidate) => candidate.appId === 'cli_emulator_selfbuilt',
    );
    expect(app?.redirectUris).toContain(`${demo.url}/auth/feishu/callback`);
  });

  it('should show a login link and no user when signed out', async () => {
    const page = await request(demo.url)
      .get('/')
      .expect(200)
      .expect('Content-Type', /text\/html/);
    expect(page.text).toContain('data-testid="login"');
    expect(page.text).toContain('href="/auth/feishu/login"');
    expect(page.text).not.toContain('data-testid="user-name"');
    expect(page.text).not.toContain('data-testid="logout"');
  });

  it('should show the name, tenant and token expiry times after login, and never a token', async () => {
    const agent = await signIn(demo, ZHANG_SAN);
    const page = await agent.get('/').expect(200);
    expect(page.text).toContain('<h1 data-testid="user-name">张三</h1>');
    expect(page.text).toContain('<code data-testid="tenant">tenant_emulator_1</code>');
    expect(page.text).toMatch(
      /user_access_token<\/td>\s*<td>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(in /,
    );
    expect(page.text).toContain('data-testid="logout"');
    expect(page.text).not.toContain('data-testid="login"');
    const userToken = await demo.app.get(TokenService).getUserAccessToken(ZHANG_SAN);
    expect(page.text).not.toContain(userToken);
  });

  it('should answer /api/me with the profile, and 401 with the login URL without a session', async () => {
    const agent = await signIn(demo, ZHANG_SAN);
    const me = await agent.get('/api/me').expect(200);
    expect(me.body).toMatchObject({
      openId: ZHANG_SAN,
      name: '张三',
      tenantKey: 'tenant_emulator_1',
    });

    const anonymous = await request(demo.url).get('/api/me').expect(401);
    expect(anonymous.body).toMatchObject({ statusCode: 401, loginUrl: '/auth/feishu/login' });
  });

  it('should call the tenant-token sample route once per /api/tenant, with the tenant token', async () => {
    const agent = await signIn(demo, ZHANG_SAN);
    const before = calls(demo.emulator!, 'openapi.contact.user');
    const answer = await agent.get('/api/tenant').expect(200);
    expect(answer.body.via).toBe('@TenantAccessToken() + fetch');
    expect(answer.body.data.user).toMatchObject({ open_id: ZHANG_SAN, name: '张三' });
    expect(demo.emulator!.stats()['openapi.contact.user']).toBe(before + 1);
  });

  it('should make the same tenant call through FeishuClient.request', async () => {
    const agent = await signIn(demo, ZHANG_SAN);
    const before = calls(demo.emulator!, 'openapi.contact.user');
    const answer = await agent.get('/api/tenant-client').expect(200);
    expect(answer.body.via).toBe('FeishuClient.request');
    expect(answer.body.data.user).toMatchObject({ open_id: ZHANG_SAN });
    expect(demo.emulator!.stats()['openapi.contact.user']).toBe(before + 1);
  });

  it('should call the user-token sample route with the signed-in user token', async () => {
    const agent = await signIn(demo, ZHANG_SAN);
    const before = calls(demo.emulator!, 'openapi.sample.me');
    const answer = await agent.get('/api/user-call').expect(200);
    expect(answer.body.via).toBe('@UserAccessToken() + fetch');
    expect(answer.body.data).toMatchObject({
      open_id: ZHANG_SAN,
      app_id: 'cli_emulator_selfbuilt',
    });
    expect(demo.emulator!.stats()['openapi.sample.me']).toBe(before + 1);
  });

  it('should answer a Feishu error on an OpenAPI call with 502 JSON, not 500', async () => {
    const agent = await signIn(demo, ZHANG_SAN);
    demo.emulator!.failNext({ endpoint: 'openapi.sample.me', status: 400, code: 99991668 });
    const answer = await agent.get('/api/user-call').expect(502);
    expect(answer.body).toMatchObject({ statusCode: 502, error: 'Bad Gateway' });
    expect(JSON.stringify(answer.body)).not.toMatch(/stack|at .*\.js/);
  });

  it('should list the cached tokens with expiry and renewal times, and no token, on /api/status', async () => {
    const agent = await signIn(demo, ZHANG_SAN);
    await agent.get('/api/tenant').expect(200);
    const status = await agent.get('/api/status').expect(200);
    expect(status.body.target).toBe('emulator');
    expect(status.body.margins).toEqual({ appTokenSeconds: 40, userTokenSeconds: 60 });
    const user = status.body.tokens.find(
      (token: { kind: string; subject: string }) =>
        token.kind === 'user' && token.subject === ZHANG_SAN,
    );
    expect(user.renewsFrom).toBe(user.expiresAt - 60_000);
    expect(user.refreshTokenExpiresAt).toBeGreaterThan(user.expiresAt);
    const tenant = status.body.tokens.find((token: { kind: string }) => token.kind === 'tenant');
    expect(tenant.renewsFrom).toBe(tenant.expiresAt - 40_000);
    expect(tenant.renewals).toBeGreaterThanOrEqual(1);
    expect(status.body.service.schedulerRunning).toBe(true);
    expect(status.body.service.refreshes.tenant).toBeGreaterThanOrEqual(1);

    const userToken = await demo.app.get(TokenService).getUserAccessToken(ZHANG_SAN);
    const tenantToken = await demo.app.get(TokenService).getTenantAccessToken();
    expect(status.text).not.toContain(userToken);
    expect(status.text).not.toContain(tenantToken);

    const page = await agent.get('/status').expect(200);
    expect(page.text).toContain(`user <code>${ZHANG_SAN}</code>`);
    expect(page.text).not.toContain(userToken);
    expect(page.text).not.toContain(tenantToken);
  });

  it('should show no open_id on /status and /api/status to a signed-out visitor, nor another user’s', async () => {
    const zhangSan = await signIn(demo, ZHANG_SAN);
    const other = demo.emulator!.users.find((user) => user.openId !== ZHANG_SAN)!;
    await signIn(demo, other.openId);

    for (const path of ['/api/status', '/status']) {
      const anonymous = await request(demo.url).get(path).expect(200);
      expect(anonymous.text).not.toContain(ZHANG_SAN);
      expect(anonymous.text).not.toContain(other.openId);
      const own = await zhangSan.get(path).expect(200);
      expect(own.text).toContain(ZHANG_SAN);
      expect(own.text).not.toContain(other.openId);
    }
    const users = (await request(demo.url).get('/api/status')).body.tokens.filter(
      (token: { kind: string }) => token.kind === 'user',
    );
    expect(users.length).toBeGreaterThanOrEqual(2);
    expect(users.every((token: { subject?: string }) => token.subject === undefined)).toBe(true);
  });

  it('should log out only by POST: GET /auth/feishu/logout answers 405 and keeps the session', async () => {
    const agent = await signIn(demo, ZHANG_SAN);

    const byLink = await agent.get('/auth/feishu/logout').expect(405);

    expect(byLink.headers.allow).toBe('POST');
    await agent.get('/api/me').expect(200);
    const home = await agent.get('/').expect(200);
    expect(home.text).toMatch(/<form method="post" action="\/auth\/feishu\/logout">/);
  });

  it('should sign out: the session ends, the tokens are forgotten and / offers login again', async () => {
    const agent = await signIn(demo, ZHANG_SAN);
    await agent.post('/auth/feishu/logout').expect(303).expect('Location', '/');
    await agent.get('/api/me').expect(401);
    const page = await agent.get('/').expect(200);
    expect(page.text).toContain('data-testid="login"');
    await expect(
      demo.app
        .get<FeishuTokenStore>(FeishuTokenStore)
        .getUserToken('cli_emulator_selfbuilt', ZHANG_SAN),
    ).resolves.toBeUndefined();
  });

  it('should send a refused consent back home with a clear message', async () => {
    const agent = request.agent(demo.url);
    const login = await agent.get('/auth/feishu/login').expect(302);
    const state = new URL(login.headers.location).searchParams.get('state')!;
    await agent
      .get(`/auth/feishu/callback?error=access_denied&state=${encodeURIComponent(state)}`)
      .expect(302)
      .expect('Location', '/?error=consent_denied');
    const page = await agent.get('/?error=consent_denied').expect(200);
    expect(page.text).toContain('You declined to share your Feishu account with the demo');
    expect(page.text).toContain('data-testid="login"');
  });

  it('should escape what it echoes from the query string', async () => {
    const page = await request(demo.url)
      .get('/?error=%3Cscript%3Ealert(1)%3C/script%3E')
      .expect(200);
    expect(page.text).not.toContain('<script>');
    expect(page.text).toContain('The login did not complete.');
  });
});

describe('demo configuration', () => {
  it('should refuse a half-filled real configuration, naming what is missing and no secret', async () => {
    const attempt = startDemo({
      env: { FEISHU_APP_ID: 'cli_real_app', FEISHU_APP_SECRET: 'a-very-secret-value' },
      port: 0,
      print: () => undefined,
      logger: false,
    });
    await expect(attempt).rejects.toBeInstanceOf(DemoConfigError);
    const message = await attempt.catch((error: Error) => error.message);
    expect(message).toContain('found FEISHU_APP_ID, FEISHU_APP_SECRET but not FEISHU_REDIRECT_URI');
    expect(message).toContain('unset every FEISHU_* variable');
    expect(message).not.toContain('a-very-secret-value');
  });

  it('should read a half-filled configuration from a .env file and refuse it', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'demo-env-'));
    const envFilePath = join(directory, '.env');
    await writeFile(
      envFilePath,
      'FEISHU_APP_ID=cli_from_dotenv\nFEISHU_REDIRECT_URI=http://localhost:3000/auth/feishu/callback\n',
    );
    try {
      await expect(
        startDemo({ envFilePath, port: 0, print: () => undefined, logger: false }),
      ).rejects.toThrow('found FEISHU_APP_ID, FEISHU_REDIRECT_URI but not FEISHU_APP_SECRET');
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('should refuse an unknown DEMO_PLATFORM, naming the two it runs on', async () => {
    const attempt = startDemo({ env: { DEMO_PLATFORM: 'koa' }, port: 0, logger: false });
    await expect(attempt).rejects.toThrow(DemoConfigError);
    await expect(attempt).rejects.toThrow(
      'DEMO_PLATFORM must be "express" or "fastify" (got "koa").',
    );
  });

  it('should refuse FEISHU_DOMAIN alone, naming the three missing variables', async () => {
    const attempt = startDemo({ env: { FEISHU_DOMAIN: 'lark' }, port: 0, logger: false });
    const message = await attempt.catch((error: Error) => error.message);
    expect(message).toContain(
      'found FEISHU_DOMAIN but not FEISHU_APP_ID, FEISHU_APP_SECRET, FEISHU_REDIRECT_URI',
    );
  });

  it('should refuse an unknown FEISHU_DOMAIN and a redirect URI the demo does not serve', async () => {
    const complete = {
      FEISHU_APP_ID: 'cli_real_app',
      FEISHU_APP_SECRET: 'secret',
      FEISHU_REDIRECT_URI: 'http://localhost:3000/auth/feishu/callback',
    };
    await expect(
      startDemo({ env: { ...complete, FEISHU_DOMAIN: 'larkk' }, port: 0, logger: false }),
    ).rejects.toThrow('FEISHU_DOMAIN must be "feishu" or "lark" (got "larkk")');
    await expect(
      startDemo({
        env: { ...complete, FEISHU_REDIRECT_URI: 'http://localhost:3000/elsewhere' },
        port: 0,
        logger: false,
      }),
    ).rejects.toThrow('FEISHU_REDIRECT_URI must be an absolute http(s) URL');
  });

  it('should say clearly when its port is taken', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      await expect(
        startDemo({ env: {}, port, emulatorPort: 0, print: () => undefined, logger: false }),
      ).rejects.toThrow(`Port ${port} is already in use, so the demo cannot start`);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('should start on real Feishu settings without starting an emulator', async () => {
    const lines: string[] = [];
    const demo = await startDemo({
      env: {
        FEISHU_APP_ID: 'cli_real_app',
        FEISHU_APP_SECRET: 'a-very-secret-value',
        FEISHU_REDIRECT_URI: 'http://localhost:3000/auth/feishu/callback',
        FEISHU_DOMAIN: 'lark',
      },
      port: 0,
      print: (line) => lines.push(line),
      logger: false,
    });
    try {
      expect(demo.emulator).toBeUndefined();
      expect(lines.join('\n')).toContain('real Lark (larksuite.com)');
      expect(lines.join('\n')).not.toContain('a-very-secret-value');
      const login = await request(`http://localhost:${demo.app.getHttpServer().address().port}`)
        .get('/auth/feishu/login')
        .expect(302);
      expect(login.headers.location).toMatch(/^https:\/\/accounts\.larksuite\.com\//);
    } finally {
      await demo.close();
    }
  });
});
