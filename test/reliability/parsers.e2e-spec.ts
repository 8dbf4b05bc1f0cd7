import type { INestApplication } from '@nestjs/common';
import * as fc from 'fast-check';
import request from 'supertest';
import { FeishuEmulator } from '@feishu-auth/emulator';
import { isLocalReturnPath } from '../../libs/feishu-auth/src/guards/feishu-return-to.util.js';
import { login, startLogin } from '../support/login-app.js';
import type { CookieJar } from '../support/cookie-jar.js';
import { calls } from '../support/emulator-calls.js';
import {
  LOGIN_URL,
  expectJsonError,
  startReliabilityApp,
  watchedSuite,
  withoutControlCharacters,
} from '../support/reliability-app.js';
import { HTTP_PLATFORMS } from '../support/http-platform.js';
import { WatchedTokenStore } from '../support/secret-watch.js';

const RUNS = 60;
const CALLBACK_REASONS = [
  'consent_denied',
  'authorization_error',
  'missing_code',
  'malformed_callback',
  'missing_state',
  'invalid_state',
  'state_browser_mismatch',
  'query_too_large',
];

/** Any string, including control characters, lone surrogates and non-BMP characters. */
const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom('', '%', '%zz', '%E0%A4%A', '&', '=', ';', '"', '\\', '\u0000', '\r\n'),
);

/** Header values as a raw client may send them: any byte but CR, LF and NUL. */
const headerBytes = fc
  .string({ unit: 'binary', maxLength: 120 })
  .map((text) => Buffer.from(text, 'utf8').toString('latin1'))
  .map(withoutControlCharacters);

/** A query as a browser (or an attacker) may send it: known and unknown names, repeated names. */
const callbackQuery = fc.array(
  fc.tuple(
    fc.constantFrom('code', 'state', 'error', 'returnTo', 'x', 'code[]', 'state[a]'),
    anyText,
  ),
  { maxLength: 5 },
);

describe.each(HTTP_PLATFORMS)(
  'Callback and cookie parsers on %s, property-based (reliability e2e)',
  (platform) => {
    const { watch, unhandled } = watchedSuite();
    let emulator: FeishuEmulator;
    let app: INestApplication;
    let store: WatchedTokenStore;
    let jar: CookieJar;

    beforeAll(async () => {
      emulator = await FeishuEmulator.start({ port: 0 });
      store = new WatchedTokenStore(watch, Date.now);
      app = await startReliabilityApp(emulator, watch, { store }, platform);
      jar = await login(app, emulator.users[0].openId);
      watch.remember(jar.get('feishu_session'));
    });

    afterAll(async () => {
      await app.close();
      await emulator.close();
    });

    afterEach(async () => {
      await unhandled.assertNone();
    });

    it('should answer any callback query with a 4xx JSON reason and never exchange a code', async () => {
      const started = await startLogin(app);
      const exchanges = calls(emulator, 'token.v2.authorization_code');
      await fc.assert(
        fc.asyncProperty(callbackQuery, fc.boolean(), async (pairs, withBinding) => {
          const query = new URLSearchParams(pairs).toString();
          const call = request(app.getHttpServer()).get(`/auth/feishu/callback?${query}`);
          const response = await (withBinding ? call.set('Cookie', started.jar.header()) : call);
          expect([400, 403, 414]).toContain(response.status);
          expectJsonError(response, response.status);
          expect(CALLBACK_REASONS).toContain(response.body.reason);
          expect(String(response.headers['set-cookie'] ?? '')).not.toMatch(/feishu_session=[^;]/);
        }),
        { numRuns: RUNS },
      );
      expect(calls(emulator, 'token.v2.authorization_code')).toBe(exchanges);
    });

    it('should answer any Cookie header without a valid session with 401 JSON and the login URL', async () => {
      await fc.assert(
        fc.asyncProperty(headerBytes, async (cookie) => {
          const response = await request(app.getHttpServer()).get('/me/name').set('Cookie', cookie);
          expectJsonError(response, 401);
          expect(response.body).toMatchObject({ error: 'Unauthorized', loginUrl: LOGIN_URL });
        }),
        { numRuns: RUNS },
      );
    });

    it('should find a valid session cookie among any other cookies', async () => {
      const session = `feishu_session=${jar.get('feishu_session')!}`;
      const noise = fc.array(
        fc.tuple(
          fc.stringMatching(/^[a-z_]{1,12}$/),
          headerBytes.map((v) => v.replace(/;/g, '')),
        ),
        { maxLength: 4 },
      );
      await fc.assert(
        fc.asyncProperty(noise, noise, async (before, after) => {
          const others = (pairs: [string, string][]) =>
            pairs.filter(([name]) => name !== 'feishu_session').map(([n, v]) => `${n}=${v}`);
          const cookie = [...others(before), session, ...others(after)].join('; ');
          const response = await request(app.getHttpServer()).get('/me/name').set('Cookie', cookie);
          expect(response.status).toBe(200);
        }),
        { numRuns: RUNS },
      );
    });

    it('should refuse a callback whose login cookie is anything but the one set, before exchanging the code', async () => {
      const started = await startLogin(app);
      const state = started.authorizeUrl.searchParams.get('state')!;
      const exchanges = calls(emulator, 'token.v2.authorization_code');
      await fc.assert(
        fc.asyncProperty(headerBytes, async (binding) => {
          const response = await request(app.getHttpServer())
            .get(`/auth/feishu/callback?code=c0de&state=${encodeURIComponent(state)}`)
            .set('Cookie', `feishu_session_login=${binding.replace(/;/g, '')}`);
          expectJsonError(response, 403);
          expect(['state_browser_mismatch', 'invalid_state']).toContain(response.body.reason);
        }),
        { numRuns: RUNS },
      );
      expect(calls(emulator, 'token.v2.authorization_code')).toBe(exchanges);
    });

    it('should accept as returnTo only paths that stay on this site, whatever the base URL', () => {
      const alphabet = fc.constantFrom(
        '/',
        '\\',
        ':',
        '.',
        '@',
        '?',
        '#',
        '%',
        'a',
        'e',
        ' ',
        '\t',
      );
      const candidate = fc.oneof(
        fc.array(alphabet, { maxLength: 16 }).map((chars) => chars.join('')),
        anyText,
      );
      fc.assert(
        fc.property(candidate, (value) => {
          if (!isLocalReturnPath(value)) return;
          for (const base of ['https://app.example', 'http://localhost:3000/auth/feishu/x']) {
            expect(new URL(value, base).origin).toBe(new URL(base).origin);
          }
        }),
        { numRuns: 2_000 },
      );
    });

    it('should have written no token, refresh token, app secret or cookie value to any log in the flows above', () => {
      expect(watch.secretCount).toBeGreaterThan(5);
      expect(watch.leaks()).toEqual([]);
    });
  },
);
