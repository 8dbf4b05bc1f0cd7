import {
  Controller,
  Get,
  HttpCode,
  Module,
  Post,
  UseGuards,
  type INestApplication,
} from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { FeishuEmulator } from '@feishu-auth/emulator';
import {
  FeishuAuthGuard,
  FeishuAuthModule,
  FeishuCodeGuard,
  FeishuUser,
  InMemoryTokenStore,
  UserAccessToken,
  type FeishuAuthModuleOptions,
} from '@feishu-auth/nestjs';
import { SELF_BUILT } from './support/core-app.js';
import { moduleOptions } from './support/login-app.js';
import { calls } from './support/emulator-calls.js';
import { HTTP_PLATFORMS, createPlatformApp, type HttpPlatform } from './support/http-platform.js';

@Controller()
class StrangerTestController {
  @Post('auth/feishu/code')
  @HttpCode(200)
  @UseGuards(FeishuCodeGuard)
  signIn(@FeishuUser('openId') openId: string) {
    return { openId };
  }

  @Get('me')
  @UseGuards(FeishuAuthGuard)
  me(@FeishuUser('openId') openId: string, @UserAccessToken() token: string) {
    return { openId, token: token.length > 0 };
  }
}

const FLOOD = 2_000;
const MAX_FEISHU_CALLS = 200;
const BATCH = 50;
const STRANGER = '203.0.113.66';
const REAL_CLIENT = '198.51.100.7';
const TOKEN_LIFETIME_MS = 2 * 3600 * 1000;
const TOO_MANY = {
  statusCode: 429,
  error: 'Too Many Requests',
  message: 'Too many unauthenticated requests from this client reached Feishu; retry later.',
};

/** Sends `FLOOD` requests, `BATCH` at a time; the statuses seen, and one 429 answer. */
async function flood(request: (i: number) => Promise<Response>): Promise<{
  statuses: Map<number, number>;
  tooMany?: { body: unknown; retryAfter: string | null };
}> {
  const statuses = new Map<number, number>();
  let tooMany: { body: unknown; retryAfter: string | null } | undefined;
  for (let first = 0; first < FLOOD; first += BATCH) {
    const answers = await Promise.all(
      Array.from({ length: BATCH }, (_, offset) => request(first + offset)),
    );
    for (const answer of answers) {
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      const body: unknown = await answer.json();
      if (answer.status === 429 && tooMany === undefined) {
        tooMany = { body, retryAfter: answer.headers.get('retry-after') };
      }
    }
  }
  return { statuses, tooMany };
}

function expectTooMany(tooMany: { body: unknown; retryAfter: string | null } | undefined): void {
  expect(tooMany?.body).toEqual(TOO_MANY);
  expect(Number(tooMany?.retryAfter)).toBeGreaterThanOrEqual(1);
}

async function createApp(
  options: FeishuAuthModuleOptions,
  platform: HttpPlatform,
): Promise<{ app: INestApplication; url: string }> {
  @Module({ imports: [FeishuAuthModule.forRoot(options)], controllers: [StrangerTestController] })
  class StrangerTestModule {}
  const moduleRef = await Test.createTestingModule({ imports: [StrangerTestModule] }).compile();
  const app = await createPlatformApp(moduleRef, platform, { logger: false }, { trustProxy: true });
  await app.listen(0, '127.0.0.1');
  return { app, url: await app.getUrl() };
}

describe.each(HTTP_PLATFORMS)(
  'Strangers spending the app’s Feishu quota on %s (e2e)',
  (platform) => {
    let emulator: FeishuEmulator;
    let now: number;
    let app: INestApplication;
    let url: string;

    async function start(overrides: Partial<FeishuAuthModuleOptions> = {}): Promise<void> {
      const store = new InMemoryTokenStore({ clock: () => now });
      ({ app, url } = await createApp(
        moduleOptions(emulator, { store, clock: () => now, ...overrides }),
        platform,
      ));
    }

    beforeEach(async () => {
      now = Date.now();
      emulator = await FeishuEmulator.start({ port: 0, clock: () => now });
    });

    afterEach(async () => {
      await app?.close();
      await emulator.close();
    });

    function send(path: string, client: string, init: RequestInit = {}): Promise<Response> {
      const headers = new Headers(init.headers);
      headers.set('x-forwarded-for', client);
      return fetch(`${url}${path}`, { ...init, headers });
    }

    function postCode(code: string, client: string): Promise<Response> {
      return send('/auth/feishu/code', client, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code }),
      });
    }

    async function realCode(openId: string): Promise<string> {
      return emulator.issueAuthorizationCode({
        appId: SELF_BUILT.appId,
        openId,
        scopes: ['offline_access'],
      });
    }

    /** A real user signed in by in-app code from `REAL_CLIENT`, whose access token has expired. */
    async function userWithExpiredToken(): Promise<string> {
      const signIn = await postCode(await realCode(emulator.users[0].openId), REAL_CLIENT);
      expect(signIn.status).toBe(200);
      const cookie = signIn.headers
        .getSetCookie()
        .find((line) => line.startsWith('feishu_session='));
      now += TOKEN_LIFETIME_MS + 60_000;
      return cookie!.split(';')[0];
    }

    /** In the flood's second (the clock has not moved): the real user's refresh and a new sign-in. */
    async function expectRealUsersServed(cookie: string): Promise<void> {
      const refreshesBefore = calls(emulator, 'token.v2.refresh_token');
      const me = await send('/me', REAL_CLIENT, { headers: { cookie } });
      expect(me.status).toBe(200);
      expect(await me.json()).toEqual({ openId: emulator.users[0].openId, token: true });
      expect(calls(emulator, 'token.v2.refresh_token')).toBe(refreshesBefore + 1);
      const signIn = await postCode(await realCode(emulator.users[1].openId), REAL_CLIENT);
      expect(signIn.status).toBe(200);
      expect(await signIn.json()).toEqual({ openId: emulator.users[1].openId });
    }

    it('should let 2,000 junk Bearer tokens from one client reach Feishu at most 200 times, while another client refreshes and signs in', async () => {
      await start({ refresh: { proactiveUserRefresh: false } });
      const cookie = await userWithExpiredToken();
      const userInfoBefore = calls(emulator, 'user_info');

      const { statuses, tooMany } = await flood((i) =>
        send('/me', STRANGER, { headers: { authorization: `Bearer u-junk-${i}` } }),
      );

      expect(calls(emulator, 'user_info') - userInfoBefore).toBeLessThanOrEqual(MAX_FEISHU_CALLS);
      expect([...statuses.keys()].sort()).toEqual([401, 429]);
      expectTooMany(tooMany);
      await expectRealUsersServed(cookie);
    });

    it('should let 2,000 junk in-app codes from one client reach Feishu at most 200 times, while another client refreshes and signs in', async () => {
      await start({ refresh: { proactiveUserRefresh: false } });
      const cookie = await userWithExpiredToken();
      const exchangesBefore = calls(emulator, 'token.v2.authorization_code');

      const { statuses, tooMany } = await flood((i) => postCode(`junk-code-${i}`, STRANGER));

      expect(calls(emulator, 'token.v2.authorization_code') - exchangesBefore).toBeLessThanOrEqual(
        MAX_FEISHU_CALLS,
      );
      expect([...statuses.keys()].sort()).toEqual([400, 429]);
      expectTooMany(tooMany);
      await expectRealUsersServed(cookie);
    });

    it('should ask Feishu once about a Bearer token it refused, however often it is sent', async () => {
      await start();

      const junk = { headers: { authorization: 'Bearer u-junk-repeated' } };
      const first = await send('/me', STRANGER, junk);
      const rest = await Promise.all(Array.from({ length: 19 }, () => send('/me', STRANGER, junk)));
      const answers = [first, ...rest];

      expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(401));
      expect(calls(emulator, 'user_info')).toBe(1);
    });

    it('should give a real sign-in its budget back, so a client signing in often is never refused', async () => {
      await start({ strangerBudget: { burst: 2, perMinute: 1 } });

      // Three active users, two sign-ins each, from one client whose bucket holds two.
      const users = emulator.users.slice(0, 3);
      const statuses: number[] = [];
      for (const user of [...users, ...users]) {
        statuses.push((await postCode(await realCode(user.openId), REAL_CLIENT)).status);
      }

      expect(statuses).toEqual(Array(6).fill(200));
      expect(calls(emulator, 'token.v2.authorization_code')).toBe(6);
    });
  },
);
