import { createHash, randomBytes } from 'node:crypto';
import {
  Controller,
  Get,
  HttpCode,
  Module,
  Post,
  Req,
  Res,
  UseGuards,
  type INestApplication,
  type LoggerService,
} from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Request, Response } from 'express';
import request from 'supertest';
import { FeishuEmulator } from '@feishu-auth/emulator';
import {
  FeishuAuthGuard,
  FeishuAuthModule,
  FeishuCodeGuard,
  FeishuSessionService,
  FeishuUser,
  InMemoryTokenStore,
  UserAccessToken,
  type FeishuAuthenticatedRequest,
  type FeishuAuthModuleOptions,
  type FeishuProfile,
} from '@feishu-auth/nestjs';
import { NO_OFFLINE, SELF_BUILT } from './support/core-app.js';
import { moduleOptions } from './support/login-app.js';
import { HTTP_PLATFORMS, createPlatformApp, type HttpPlatform } from './support/http-platform.js';
import { calls } from './support/emulator-calls.js';

/** The back end of the in-app login, as docs/in-app-login.md shows it. */
@Controller('auth/feishu')
class InAppAuthController {
  constructor(private readonly sessions: FeishuSessionService) {}

  @Post('code')
  @HttpCode(200)
  @UseGuards(FeishuCodeGuard)
  signIn(@FeishuUser() user: FeishuProfile, @Req() req: FeishuAuthenticatedRequest) {
    return { name: user.name, openId: user.openId, ...req.feishuSessionToken };
  }

  @Post('logout')
  @HttpCode(204)
  async logout(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<void> {
    await this.sessions.logout(req, res);
  }
}

@UseGuards(FeishuAuthGuard)
@Controller('me')
class MeController {
  @Get()
  me(
    @FeishuUser() user: FeishuProfile,
    @UserAccessToken() userToken: string,
    @Req() req: FeishuAuthenticatedRequest,
  ) {
    return {
      name: user.name,
      openId: user.openId,
      mode: req.feishu?.mode,
      token: userToken.length,
    };
  }
}

/** Every line the app logs, to prove no code or token reaches a log. */
class CapturingLogger implements LoggerService {
  readonly lines: string[] = [];
  log(...parts: unknown[]) {
    this.lines.push(parts.map(String).join(' '));
  }
  error(...parts: unknown[]) {
    this.log(...parts);
  }
  warn(...parts: unknown[]) {
    this.log(...parts);
  }
  debug(...parts: unknown[]) {
    this.log(...parts);
  }
  verbose(...parts: unknown[]) {
    this.log(...parts);
  }
}

async function createInAppApp(
  options: FeishuAuthModuleOptions,
  logger: LoggerService,
  platform: HttpPlatform,
): Promise<INestApplication> {
  @Module({
    imports: [FeishuAuthModule.forRoot(options)],
    controllers: [InAppAuthController, MeController],
  })
  class InAppTestModule {}

  const moduleRef = await Test.createTestingModule({ imports: [InAppTestModule] }).compile();
  return createPlatformApp(moduleRef, platform, { logger });
}

/** The emulator's control call that stands in for the client's `requestAccess` JSAPI. */
async function requestAccessCode(
  emulator: FeishuEmulator,
  input: { appId: string; openId: string; scopes?: string[]; redirectUri?: string },
): Promise<string> {
  const response = await fetch(`${emulator.url}/__emulator/issue-code`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  const body = (await response.json()) as { code?: string; msg?: string };
  if (response.status !== 200 || body.code === undefined) {
    throw new Error(`issue-code answered ${response.status}: ${body.msg}`);
  }
  return body.code;
}

function postCode(app: INestApplication, body: unknown) {
  return request(app.getHttpServer())
    .post('/auth/feishu/code')
    .send(body as object);
}

function sessionCookie(response: request.Response): string | undefined {
  const cookies = response.headers['set-cookie'] as unknown as string[] | undefined;
  const line = (cookies ?? []).find((cookie) => /^feishu_session=[^;]/.test(cookie));
  return line?.split(';')[0];
}

describe.each(HTTP_PLATFORMS)(
  'In-app login on %s: a code from the Feishu client becomes a session (e2e)',
  (platform) => {
    let emulator: FeishuEmulator;
    let now: number;
    let store: InMemoryTokenStore;
    let logger: CapturingLogger;
    let app: INestApplication;
    let openId: string;
    let userName: string;

    const exchanges = () => calls(emulator, 'token.v2.authorization_code');
    const userInfoCalls = () => calls(emulator, 'user_info');
    /** Another app on the same emulator, store, clock and logger, with other options. */
    const appWith = (overrides: Partial<FeishuAuthModuleOptions>) =>
      createInAppApp(
        moduleOptions(emulator, { store, clock: () => now, ...overrides }),
        logger,
        platform,
      );
    const selfBuiltCode = (scopes = ['offline_access']) =>
      requestAccessCode(emulator, { appId: SELF_BUILT.appId, openId, scopes });

    beforeEach(async () => {
      now = Date.now();
      emulator = await FeishuEmulator.start({ port: 0, clock: () => now });
      store = new InMemoryTokenStore({ clock: () => now });
      logger = new CapturingLogger();
      app = await appWith({});
      openId = emulator.users[0].openId;
      userName = emulator.users[0].name;
    });

    afterEach(async () => {
      await app.close();
      await emulator.close();
    });

    /** A refused sign-in: 4xx JSON with a reason and no session, no stored tokens, no code echoed. */
    async function expectRefused(
      response: request.Response,
      status: number,
      reason: string,
      code?: string,
    ): Promise<void> {
      expect(response.status).toBe(status);
      expect(response.headers['content-type']).toMatch(/application\/json/);
      expect(response.body).toMatchObject({ statusCode: status, reason });
      expect(typeof response.body.message).toBe('string');
      expect(sessionCookie(response)).toBeUndefined();
      if (code !== undefined) {
        expect(JSON.stringify(response.body)).not.toContain(code);
      }
      await expect(store.getUserToken(SELF_BUILT.appId, openId)).resolves.toBeUndefined();
    }

    describe('with the session cookie (web app in the Feishu client)', () => {
      it('should sign in with a code and serve GET /me from the session cookie', async () => {
        const code = await selfBuiltCode();

        const signIn = await postCode(app, { code });

        expect(signIn.status).toBe(200);
        expect(signIn.body).toEqual({ name: userName, openId });
        const cookie = sessionCookie(signIn);
        expect(cookie).toBeDefined();
        expect(String(signIn.headers['set-cookie'])).toMatch(/HttpOnly/i);
        const me = await request(app.getHttpServer()).get('/me').set('Cookie', cookie!);
        expect(me.status).toBe(200);
        expect(me.body).toMatchObject({ name: userName, openId, mode: 'session' });
        expect(me.body.token).toBeGreaterThan(0);
        const stored = await store.getUserToken(SELF_BUILT.appId, openId);
        expect(stored?.refreshToken).toEqual(expect.any(String));
        expect(exchanges()).toBe(1);
        expect(userInfoCalls()).toBe(1);
      });

      it('should exchange the code without redirect_uri, so a code bound to another URI still works', async () => {
        // If the library sent its configured redirect URI, Feishu would refuse this code with 20071.
        const otherUri = 'http://localhost:3000/in-app/other';
        emulator.addRedirectUri(SELF_BUILT.appId, otherUri);
        const code = await requestAccessCode(emulator, {
          appId: SELF_BUILT.appId,
          openId,
          redirectUri: otherUri,
        });

        const signIn = await postCode(app, { code });

        expect(signIn.status).toBe(200);
        expect(exchanges()).toBe(1);
      });

      it('should refuse a code of the redirect login, which PKCE binds to a verifier this endpoint never sends', async () => {
        // A code leaked from a redirect callback (a log, a Referer) cannot sign anyone in here.
        const verifier = randomBytes(32).toString('base64url');
        const code = emulator.issueAuthorizationCode({
          appId: SELF_BUILT.appId,
          openId,
          scopes: ['offline_access'],
          codeChallenge: createHash('sha256').update(verifier).digest('base64url'),
          codeChallengeMethod: 'S256',
        });

        const signIn = await postCode(app, { code });

        await expectRefused(signIn, 400, 'pkce_mismatch', code);
        expect(exchanges()).toBe(1);
        expect(userInfoCalls()).toBe(0);
      });

      it('should refuse a replayed code with the single-use hint and keep the first session', async () => {
        const code = await selfBuiltCode();
        const first = await postCode(app, { code });
        expect(first.status).toBe(200);
        const stored = await store.getUserToken(SELF_BUILT.appId, openId);

        const replay = await postCode(app, { code });

        expect(replay.status).toBe(400);
        expect(replay.body).toMatchObject({ statusCode: 400, reason: 'code_invalid' });
        expect(replay.body.hint).toMatch(/single use/);
        expect(JSON.stringify(replay.body)).not.toContain(code);
        expect(sessionCookie(replay)).toBeUndefined();
        await expect(store.getUserToken(SELF_BUILT.appId, openId)).resolves.toEqual(stored);
        const me = await request(app.getHttpServer())
          .get('/me')
          .set('Cookie', sessionCookie(first)!);
        expect(me.status).toBe(200);
        expect(exchanges()).toBe(2);
        expect(userInfoCalls()).toBe(1);
      });

      it('should refuse a code of another app with code_app_mismatch and the hint, before reading a profile', async () => {
        const code = await requestAccessCode(emulator, { appId: NO_OFFLINE.appId, openId });

        const response = await postCode(app, { code });

        await expectRefused(response, 400, 'code_app_mismatch', code);
        expect(response.body.hint).toMatch(/another app/);
        expect(exchanges()).toBe(1);
        expect(userInfoCalls()).toBe(0);
      });

      it('should refuse a code older than 5 minutes with code_expired', async () => {
        const code = await selfBuiltCode();
        now += 301_000;

        const response = await postCode(app, { code });

        await expectRefused(response, 400, 'code_expired', code);
        expect(exchanges()).toBe(1);
      });

      it('should accept a code just under 5 minutes old', async () => {
        const code = await selfBuiltCode();
        now += 299_000;

        expect((await postCode(app, { code })).status).toBe(200);
      });
    });

    describe('with a session token (clients that keep no cookies)', () => {
      it('should answer a session token instead of a cookie, accepted as X-Feishu-Session', async () => {
        const code = await selfBuiltCode();

        const signIn = await postCode(app, { code, session: 'token' });

        expect(signIn.status).toBe(200);
        expect(sessionCookie(signIn)).toBeUndefined();
        expect(signIn.body).toMatchObject({
          name: userName,
          openId,
          expiresIn: 7200,
          header: 'X-Feishu-Session',
        });
        const { sessionToken } = signIn.body as { sessionToken: string };
        const stored = await store.getUserToken(SELF_BUILT.appId, openId);
        expect(sessionToken).not.toContain(stored!.accessToken);
        expect(sessionToken).not.toContain(stored!.refreshToken!);
        const me = await request(app.getHttpServer())
          .get('/me')
          .set('X-Feishu-Session', sessionToken);
        expect(me.status).toBe(200);
        expect(me.body).toMatchObject({ name: userName, mode: 'session' });
      });

      it('should end the session token after session.tokenTtlSeconds', async () => {
        const code = await selfBuiltCode();
        const { sessionToken } = (await postCode(app, { code, session: 'token' })).body as {
          sessionToken: string;
        };
        now += 7201_000;

        const me = await request(app.getHttpServer())
          .get('/me')
          .set('X-Feishu-Session', sessionToken);

        expect(me.status).toBe(401);
        expect(me.body.reason).toMatch(/X-Feishu-Session token is invalid, expired or unknown/);
        expect(me.body.loginUrl).toBe('/auth/feishu/login');
      });

      it('should refuse a tampered session token with 401', async () => {
        const code = await selfBuiltCode();
        const { sessionToken } = (await postCode(app, { code, session: 'token' })).body as {
          sessionToken: string;
        };
        const tampered = `${sessionToken.slice(0, -2)}${sessionToken.endsWith('AA') ? 'BB' : 'AA'}`;

        const me = await request(app.getHttpServer()).get('/me').set('X-Feishu-Session', tampered);

        expect(me.status).toBe(401);
      });

      it('should refuse a session token sent as the session cookie, and a session cookie sent as a session token', async () => {
        const { sessionToken } = (
          await postCode(app, { code: await selfBuiltCode(), session: 'token' })
        ).body as { sessionToken: string };
        const cookie = sessionCookie(await postCode(app, { code: await selfBuiltCode() }))!;
        const cookieValue = decodeURIComponent(cookie.slice(cookie.indexOf('=') + 1));

        const tokenAsCookie = await request(app.getHttpServer())
          .get('/me')
          .set('Cookie', `feishu_session=${encodeURIComponent(sessionToken)}`);
        const cookieAsToken = await request(app.getHttpServer())
          .get('/me')
          .set('X-Feishu-Session', cookieValue);

        expect(tokenAsCookie.status).toBe(401);
        expect(cookieAsToken.status).toBe(401);
      });

      it('should prefer X-Feishu-Session over an Authorization header the client also sends', async () => {
        const code = await selfBuiltCode();
        const { sessionToken } = (await postCode(app, { code, session: 'token' })).body as {
          sessionToken: string;
        };
        const userInfoBefore = userInfoCalls();

        const me = await request(app.getHttpServer())
          .get('/me')
          .set('X-Feishu-Session', sessionToken)
          .set('Authorization', 'Bearer not-a-feishu-token');

        expect(me.status).toBe(200);
        expect(userInfoCalls()).toBe(userInfoBefore);
      });

      it('should end the session on logout with X-Feishu-Session', async () => {
        const code = await selfBuiltCode();
        const { sessionToken } = (await postCode(app, { code, session: 'token' })).body as {
          sessionToken: string;
        };

        const logout = await request(app.getHttpServer())
          .post('/auth/feishu/logout')
          .set('X-Feishu-Session', sessionToken);
        const me = await request(app.getHttpServer())
          .get('/me')
          .set('X-Feishu-Session', sessionToken);

        expect(logout.status).toBe(204);
        expect(me.status).toBe(401);
        await expect(store.getUserToken(SELF_BUILT.appId, openId)).resolves.toBeUndefined();
      });

      it('should cap session.tokenTtlSeconds at session.ttlSeconds', async () => {
        const short = await appWith({
          session: { secret: 'another-session-secret-0123456789', ttlSeconds: 600 },
        });
        try {
          const code = await selfBuiltCode();
          const signIn = await postCode(short, { code, session: 'token' });
          expect(signIn.body.expiresIn).toBe(600);
        } finally {
          await short.close();
        }
      });
    });

    describe('with a bad body, refused before Feishu is called', () => {
      const badBodies: [string, unknown][] = [
        ['an empty body', undefined],
        ['an empty object', {}],
        ['an empty code', { code: '' }],
        ['a code that is not a string', { code: 42 }],
        ['a code array', { code: ['a', 'b'] }],
        ['a JSON array', ['code']],
        ['an unknown session transport', { code: 'abc', session: 'jwt' }],
      ];

      it.each(badBodies)('should answer 400 invalid_code_request for %s', async (_name, body) => {
        const response =
          body === undefined
            ? await request(app.getHttpServer()).post('/auth/feishu/code')
            : await postCode(app, body);

        await expectRefused(response, 400, 'invalid_code_request');
        expect(exchanges()).toBe(0);
      });

      it('should answer 400 invalid_code_request for a form post (only JSON signs in)', async () => {
        const code = await selfBuiltCode();

        const response = await request(app.getHttpServer())
          .post('/auth/feishu/code')
          .type('form')
          .send({ code });

        await expectRefused(response, 400, 'invalid_code_request', code);
        expect(exchanges()).toBe(0);
      });

      it('should answer 400 invalid_code_request for a text/plain body (a cross-site form cannot sign in)', async () => {
        const code = await selfBuiltCode();

        const response = await request(app.getHttpServer())
          .post('/auth/feishu/code')
          .set('Content-Type', 'text/plain')
          .send(JSON.stringify({ code }));

        await expectRefused(response, 400, 'invalid_code_request', code);
        expect(exchanges()).toBe(0);
      });

      it.each([
        ['longer than 512 characters', 'a'.repeat(513)],
        ['with characters outside [A-Za-z0-9_-]', 'abc.def'],
        ['with a space', 'abc def'],
        ['with a non-ASCII letter', 'abcé'],
      ])('should answer 400 malformed_code for a code %s', async (_name, code) => {
        const response = await postCode(app, { code });

        await expectRefused(response, 400, 'malformed_code', code);
        expect(exchanges()).toBe(0);
      });

      it('should pass a 512-character code on to Feishu (which does not know it)', async () => {
        const response = await postCode(app, { code: 'a'.repeat(512) });

        await expectRefused(response, 400, 'code_invalid');
        expect(exchanges()).toBe(1);
      });

      it('should answer 400 JSON for a body that is not valid JSON', async () => {
        const response = await request(app.getHttpServer())
          .post('/auth/feishu/code')
          .set('Content-Type', 'application/json')
          .send('{"code": "abc"');

        expect(response.status).toBe(400);
        expect(response.headers['content-type']).toMatch(/application\/json/);
        expect(response.body).toMatchObject({ statusCode: 400 });
        expect(exchanges()).toBe(0);
      });
    });

    describe('when Feishu fails', () => {
      it.each([
        ['503 when the token endpoint is unavailable', { status: 503 }, 503],
        [
          '503 when the token endpoint says 20072 (temporarily unavailable)',
          { status: 503, code: 20072 },
          503,
        ],
        ['503 when the token endpoint rate limits', { status: 429, code: 99991400 }, 503],
        ['502 when the token endpoint has a server error', { status: 500, code: 20050 }, 502],
        ['502 when the token endpoint answers a malformed body', { malformedBody: true }, 502],
        ['503 when the connection is reset', { resetConnection: true }, 503],
      ])('should answer %s, with no session', async (_name, fault, status) => {
        const code = await selfBuiltCode();
        emulator.failNext({ endpoint: 'token.v2', ...fault });

        const response = await postCode(app, { code });

        expect(response.status).toBe(status);
        expect(response.headers['content-type']).toMatch(/application\/json/);
        expect(sessionCookie(response)).toBeUndefined();
        expect(JSON.stringify(response.body)).not.toContain(code);
        await expect(store.getUserToken(SELF_BUILT.appId, openId)).resolves.toBeUndefined();
        // The shared test options turn retries off, so each fault is answered after one exchange.
        expect(exchanges()).toBe(1);
      });

      it.each([
        ['a 503', { status: 503 }],
        ['a 20072 (temporarily unavailable)', { status: 503, code: 20072 }],
      ])(
        'should retry the exchange after %s, which proves Feishu did not use the code, and sign in',
        async (_name, fault) => {
          const retrying = await appWith({ http: { retries: 2, timeoutMs: 5000 } });
          try {
            const code = await selfBuiltCode();
            emulator.failNext({ endpoint: 'token.v2', ...fault });

            const response = await postCode(retrying, { code });

            expect(response.status).toBe(200);
            expect(sessionCookie(response)).toBeDefined();
            expect(exchanges()).toBe(2);
          } finally {
            await retrying.close();
          }
        },
      );

      it('should not retry the exchange after a reset connection, since Feishu may have used the code', async () => {
        const retrying = await appWith({ http: { retries: 2, timeoutMs: 5000 } });
        try {
          const code = await selfBuiltCode();
          emulator.failNext({ endpoint: 'token.v2', resetConnection: true });

          const response = await postCode(retrying, { code });

          expect(response.status).toBe(503);
          expect(sessionCookie(response)).toBeUndefined();
          expect(exchanges()).toBe(1);
        } finally {
          await retrying.close();
        }
      });

      it('should answer 504 when the token endpoint does not answer in time', async () => {
        const slow = await appWith({ http: { retries: 0, timeoutMs: 200 } });
        try {
          const code = await selfBuiltCode();
          emulator.failNext({ endpoint: 'token.v2', delayMs: 1000 });

          const response = await postCode(slow, { code });

          expect(response.status).toBe(504);
          expect(sessionCookie(response)).toBeUndefined();
        } finally {
          await slow.close();
        }
      });

      it('should answer 503 and store nothing when user_info is unavailable after the exchange', async () => {
        const code = await selfBuiltCode();
        emulator.failNext({ endpoint: 'user_info', status: 503 });

        const response = await postCode(app, { code });

        expect(response.status).toBe(503);
        expect(sessionCookie(response)).toBeUndefined();
        await expect(store.getUserToken(SELF_BUILT.appId, openId)).resolves.toBeUndefined();
      });
    });

    it('should log no code and no token along the way', async () => {
      const good = await selfBuiltCode();
      const signIn = await postCode(app, { code: good, session: 'token' });
      await postCode(app, { code: good });
      const foreign = await requestAccessCode(emulator, { appId: NO_OFFLINE.appId, openId });
      await postCode(app, { code: foreign });
      const failing = await selfBuiltCode();
      emulator.failNext({ endpoint: 'token.v2', malformedBody: true });
      await postCode(app, { code: failing });
      const stored = await store.getUserToken(SELF_BUILT.appId, openId);

      const secrets = [good, foreign, failing, stored!.accessToken, stored!.refreshToken!];
      const sessionToken = (signIn.body as { sessionToken: string }).sessionToken;
      for (const line of logger.lines) {
        for (const secret of [...secrets, sessionToken]) {
          expect(line).not.toContain(secret);
        }
      }
    });
  },
);
