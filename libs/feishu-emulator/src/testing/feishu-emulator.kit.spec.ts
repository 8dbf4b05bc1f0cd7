import { createServer, type Server } from 'node:http';
import request from 'supertest';
import { DEFAULT_REDIRECT_URIS } from '../state/default-apps.js';
import { FeishuEmulatorKit } from './feishu-emulator.kit.js';
import { useFeishuEmulator } from './use-feishu-emulator.js';

describe('useFeishuEmulator', () => {
  const kit = useFeishuEmulator({ redirectUri: 'http://127.0.0.1:4000/cb' });

  it('should start the emulator before the tests of the suite, on a free port', () => {
    expect(kit.emulator.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it("should give the module's app, secret, type, emulator URLs and the registered redirect URI", () => {
    const url = kit.emulator.url;
    expect(kit.moduleOptions()).toEqual({
      appId: 'cli_emulator_selfbuilt',
      appSecret: 'emulator-self-built-secret',
      appType: 'self-built',
      domain: { open: url, accounts: url },
      redirectUri: 'http://127.0.0.1:4000/cb',
    });
    const app = kit.emulator.apps.find((candidate) => candidate.appId === 'cli_emulator_selfbuilt');
    expect(app?.redirectUris).toContain('http://127.0.0.1:4000/cb');
  });
});

describe('FeishuEmulatorKit', () => {
  let kit: FeishuEmulatorKit | undefined;
  let server: Server | undefined;

  afterEach(async () => {
    await kit?.close();
    if (server) await new Promise((resolve) => server?.close(resolve));
    kit = undefined;
    server = undefined;
  });

  it('should refuse to be used before it is started, naming what to do', () => {
    expect(() => new FeishuEmulatorKit().moduleOptions()).toThrow(
      /^the Feishu emulator is not started yet/,
    );
  });

  it("should play another app, a store app's type included, with the default redirect URI", async () => {
    kit = await FeishuEmulatorKit.start({ appId: 'cli_emulator_store' });
    expect(kit.moduleOptions()).toMatchObject({
      appId: 'cli_emulator_store',
      appSecret: 'emulator-store-secret',
      appType: 'store',
      redirectUri: DEFAULT_REDIRECT_URIS[0],
      events: { verificationToken: expect.any(String), encryptKey: expect.any(String) },
    });
  });

  it('should refuse to start for an unknown app', async () => {
    await expect(FeishuEmulatorKit.start({ appId: 'cli_nobody' })).rejects.toThrow(
      'unknown app: cli_nobody',
    );
  });

  it('should expire and revoke only the named user, by open_id in any app', async () => {
    kit = await FeishuEmulatorKit.start();
    const code = kit.emulator.issueAuthorizationCode({
      appId: 'cli_emulator_other',
      openId: kit.users[0].openId,
    });
    const response = await fetch(`${kit.emulator.url}/open-apis/authen/v2/oauth/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'authorization_code',
        client_id: 'cli_emulator_other',
        client_secret: 'emulator-other-secret',
        code,
      }),
    });
    expect(response.status).toBe(200);
    const inOtherApp = kit.emulator.openIdFor('cli_emulator_other', kit.users[0]);
    expect(kit.expireUserToken(kit.users[1])).toBe(0);
    expect(kit.expireUserToken(inOtherApp)).toBe(1);
    expect(kit.revokeUserToken(kit.users[0])).toBe(1);
    expect(() => kit?.expireUserToken('ou_nobody')).toThrow('unknown user: ou_nobody');
  });

  it('should name the step when the login route does not redirect to Feishu', async () => {
    kit = await FeishuEmulatorKit.start();
    server = createServer((_request, response) => {
      response.writeHead(404, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify({ reason: 'no_such_route' }));
    });
    await expect(kit.signIn(request.agent(server))).rejects.toThrow(
      'GET /auth/feishu/login answered HTTP 404, not a redirect to Feishu: no_such_route',
    );
  });

  it('should name the emulator step when the app redirects with an unregistered redirect URI', async () => {
    kit = await FeishuEmulatorKit.start();
    const authorize = `${kit.emulator.url}/open-apis/authen/v1/authorize?client_id=cli_emulator_selfbuilt&response_type=code&redirect_uri=${encodeURIComponent('http://evil.example/cb')}`;
    server = createServer((_request, response) => {
      response.writeHead(302, { Location: authorize });
      response.end();
    });
    await expect(
      kit.signIn(request.agent(server), kit.users[0], { loginPath: '/go' }),
    ).rejects.toThrow(
      'the emulator refused the authorize request of cli_emulator_selfbuilt (HTTP 400, code 20029)',
    );
  });

  it("should fail when the app's callback redirects to its failure path with ?error=", async () => {
    kit = await FeishuEmulatorKit.start({ redirectUri: 'http://127.0.0.1:1/auth/feishu/callback' });
    const { appId, redirectUri } = kit.moduleOptions();
    const authorize = new URL('/open-apis/authen/v1/authorize', kit.emulator.url);
    authorize.search = new URLSearchParams({
      client_id: appId,
      response_type: 'code',
      redirect_uri: redirectUri,
    }).toString();
    server = createServer((incoming, response) => {
      const login = incoming.url === '/auth/feishu/login';
      response.writeHead(302, {
        Location: login ? authorize.href : '/signed-out?error=state_mismatch',
      });
      response.end();
    });
    await expect(kit.signIn(request.agent(server))).rejects.toThrow(
      'GET /auth/feishu/callback (the callback) redirected to the failure path: state_mismatch',
    );
  });
});
