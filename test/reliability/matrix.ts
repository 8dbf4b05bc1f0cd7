/**
 * The reliability and security matrix: every failure and attack the library is tested against,
 * what it does, and which test proves it. The single source of docs/reliability.md:
 * `matrix.e2e-spec.ts` checks that each named test exists in its file and that the document is
 * this list rendered (`npm run docs:reliability` rewrites it).
 */

/** A test: the file (from the repository root) and its title exactly as written there. */
export interface TestRef {
  file: string;
  test: string;
}

export interface ReliabilityCase {
  id: string;
  case: string;
  expected: string;
  testedBy: TestRef[];
}

export interface ReliabilitySection {
  title: string;
  intro: string;
  cases: ReliabilityCase[];
}

const FAULTS = 'test/reliability/feishu-faults.e2e-spec.ts';
const ATTACKS = 'test/reliability/attacks.e2e-spec.ts';
const PARSERS = 'test/reliability/parsers.e2e-spec.ts';
const REDIS = 'test/reliability/store-outage.integration-spec.ts';
const LOGIN = 'test/login.e2e-spec.ts';
const BAD_INPUT = 'test/login-bad-input.e2e-spec.ts';
const GUARD = 'test/auth-guard.e2e-spec.ts';
const TOKENS = 'test/token-service.e2e-spec.ts';
const USER_TOKENS = 'test/user-tokens.e2e-spec.ts';
const HTTP_UNIT = 'libs/feishu-auth/src/http/feishu-http.client.spec.ts';
const STATE_UNIT = 'libs/feishu-auth/src/strategies/feishu-login-state.store.spec.ts';
const REDIS_STORE = 'test/redis-token-store.integration-spec.ts';
const IN_APP = 'test/in-app-login.e2e-spec.ts';
const SESSION_OPTIONS_UNIT = 'libs/feishu-auth/src/options/session.options.spec.ts';
const TOKEN_OPTIONS_UNIT = 'libs/feishu-auth/src/options/tokens.options.spec.ts';
const LOGIN_FLOOD = 'test/login-flood.integration-spec.ts';
const APP_BOUND = 'test/app-bound-users.integration-spec.ts';
const DEMO = 'test/demo.e2e-spec.ts';
const USER_TOKEN_CONTRACT = 'libs/feishu-auth/src/testing/user-token.contract.ts';
const EVENT_CLAIM_CONTRACT = 'libs/feishu-auth/src/testing/event-claim.contract.ts';
const APP_TICKET_CONTRACT = 'libs/feishu-auth/src/testing/app-ticket.contract.ts';
const EVENTS = 'test/events-endpoint.e2e-spec.ts';
const TRACKER_UNIT = 'libs/feishu-auth/src/services/token-status.tracker.spec.ts';
const LOG_UNIT = 'libs/feishu-auth/src/utils/log-input.util.spec.ts';
const RETURN_TO_UNIT = 'libs/feishu-auth/src/guards/feishu-return-to.util.spec.ts';
const PLATFORMS = 'test/http-platforms.e2e-spec.ts';
const SCHEDULER_UNIT = 'libs/feishu-auth/src/services/token-refresh.scheduler.spec.ts';
const PACKED = 'test/packed-packages.integration-spec.ts';
const LARK = 'test/lark-client.e2e-spec.ts';
const HEALTH = 'test/health.e2e-spec.ts';
const CLIENT_CREDENTIALS = 'test/tenant-token-client-credentials.e2e-spec.ts';
const KIT = 'test/testing-kit.e2e-spec.ts';
const CLUSTER_STORE = 'test/redis-cluster-token-store.integration-spec.ts';
const FAILOVER = 'test/redis-cluster-failover.integration-spec.ts';
const RENEWAL = 'libs/feishu-auth/src/services/token-renewal.spec.ts';
const REFRESHER_UNIT = 'libs/feishu-auth/src/services/token-refresher.spec.ts';
const CONSISTENCY = 'test/session-consistency.e2e-spec.ts';
const REDIS_CONSISTENCY = 'test/session-consistency.integration-spec.ts';
const NEAR_CACHE = 'test/redis-near-cache.integration-spec.ts';
const REFERENCE_UNIT = 'libs/feishu-auth/src/session/session-reference.cache.spec.ts';
const STRANGERS = 'test/stranger-budget.e2e-spec.ts';
const BUCKET_UNIT = 'libs/feishu-auth/src/utils/token-bucket.spec.ts';

const LEAK_TEST =
  'should have written no token, refresh token, app secret or cookie value to any log in the flows above';

export const RELIABILITY_MATRIX: ReliabilitySection[] = [
  {
    title: 'Feishu faults on the token endpoints',
    intro:
      'Injected with the emulator’s `failNext()` and driven through real HTTP requests to a Nest app ' +
      '(`http.retries: 2`, so a failing call is made exactly 3 times). Every test also checks that no ' +
      'unhandled rejection happened and that the app serves the next request.',
    cases: [
      {
        id: 'F1',
        case: 'User token refresh meets HTTP 500 / 503, code 20050 / 20072 (also with HTTP 200), a truncated JSON body or HTTP 429, once',
        expected:
          'Retried with backoff; the rotated refresh token is stored and works at Feishu; 200.',
        testedBy: [
          {
            file: FAULTS,
            test: 'should retry a refresh that met %s once, store the rotated refresh token and answer 200',
          },
        ],
      },
      {
        id: 'F2',
        case: 'The same faults on every attempt, access token expired',
        expected:
          'Exactly 3 attempts, then 502 (Feishu error) or 503 (unavailable, rate limited) JSON; the stored refresh token is untouched and still works.',
        testedBy: [
          {
            file: FAULTS,
            test: 'should give up on a refresh that keeps meeting %s after exactly 3 attempts with %i, keeping the refresh token',
          },
          {
            file: USER_TOKENS,
            test: 'should serve the still-valid token when the refresh fails transiently',
          },
        ],
      },
      {
        id: 'F3',
        case: 'The same faults on every attempt, access token due but still valid',
        expected: 'The cached access token keeps being served (200); the record is unchanged.',
        testedBy: [
          {
            file: FAULTS,
            test: 'should keep serving the still-valid access token while every refresh meets %s',
          },
        ],
      },
      {
        id: 'F4',
        case: 'Connection reset during a refresh',
        expected:
          'Not retried (Feishu may have processed it: a refresh token is single use); 503; the refresh token is kept.',
        testedBy: [
          {
            file: FAULTS,
            test: 'should not retry a refresh whose connection was reset, answer 503 and keep the refresh token',
          },
        ],
      },
      {
        id: 'F5',
        case: 'HTTP 200 with a non-zero `code` that ends the grant (20037) during a refresh',
        expected:
          'Not retried; 401 with `loginUrl`; the stored tokens and the session are deleted.',
        testedBy: [
          {
            file: FAULTS,
            test: 'should answer 401 with the login URL and end the session when a refresh gets HTTP 200 with code 20037',
          },
          {
            file: LOGIN,
            test: 'should answer 401 with the login URL and forget the user when the refresh token is dead',
          },
        ],
      },
      {
        id: 'F6',
        case: 'Tenant token endpoint: HTTP 500 / 503, reset, slow beyond the timeout, truncated JSON, 429, HTTP 200 with code 10014',
        expected:
          'Exactly 3 attempts (1 for the configuration error), then 502 / 503 / 504 JSON, never 500; the next request is served.',
        testedBy: [
          {
            file: FAULTS,
            test: 'should answer %s on the tenant token endpoint with %i after exactly %i attempts, then serve again',
          },
          { file: TOKENS, test: 'should surface %j as a typed error after the retries' },
          { file: TOKENS, test: 'should not retry a wrong app secret and say what to check' },
          { file: TOKENS, test: 'should time out a slow Feishu with kind timeout' },
        ],
      },
      {
        id: 'F7',
        case: 'Tenant token renewal fails while the cached token is still valid',
        expected:
          'The cached tenant token keeps being served; the failed background renewal is not an unhandled rejection.',
        testedBy: [
          {
            file: FAULTS,
            test: 'should keep serving a cached tenant token while its background renewal fails',
          },
        ],
      },
      {
        id: 'F8',
        case: 'Rate limiting with `x-ogw-ratelimit-reset`',
        expected:
          'Waits the reset and retries when it fits in the timeout; otherwise fails fast as `rate-limited` (503).',
        testedBy: [
          { file: HTTP_UNIT, test: 'should wait for x-ogw-ratelimit-reset on a 429, then retry' },
          {
            file: HTTP_UNIT,
            test: 'should fail fast as rate-limited when the reset is longer than the timeout',
          },
        ],
      },
      {
        id: 'F9',
        case: 'Code exchange (callback) meets 503, 500 or a reset',
        expected: '503 / 502 JSON, never 500; nothing stored.',
        testedBy: [
          {
            file: BAD_INPUT,
            test: 'should answer a Feishu %s during the exchange with a 5xx other than 500',
          },
        ],
      },
      {
        id: 'F10',
        case: 'Bearer validation (user_info) meets 503 or a timeout',
        expected: '503 / 504 JSON.',
        testedBy: [
          {
            file: GUARD,
            test: 'should answer 503 when Feishu is unavailable while validating a Bearer token',
          },
          {
            file: GUARD,
            test: 'should answer 504 when Feishu does not answer in time while validating a Bearer token',
          },
        ],
      },
      {
        id: 'F11',
        case: 'Feishu ends a user access token before its expiry (99991677 on an OpenAPI call)',
        expected: 'The token is refreshed once and the call retried; 200.',
        testedBy: [
          {
            file: KIT,
            test: 'should let the app refresh and retry when Feishu expires the user token early',
          },
        ],
      },
      {
        id: 'F12',
        case: "The user revokes the app's authorization (99991668 on the call, 20064 on the refresh)",
        expected: '401 with the login URL.',
        testedBy: [
          {
            file: KIT,
            test: 'should send the user to sign in again after the authorization is revoked',
          },
        ],
      },
    ],
  },
  {
    title: 'A refresh whose answer never arrives',
    intro:
      'The library cannot know whether Feishu rotated the refresh token, and a refresh token is single ' +
      'use, so it never resends the request. What happens to the user: the still-valid access token ' +
      'keeps being served; the next refresh is made with the old refresh token; if Feishu had rotated ' +
      'it, Feishu refuses it (20064), the user’s tokens and session are deleted and the next request ' +
      'gets 401 with `loginUrl`: the user signs in again. If the request never reached Feishu, the ' +
      'next refresh simply succeeds.',
    cases: [
      {
        id: 'L1',
        case: 'Answer lost (timeout) after Feishu rotated; access token still valid',
        expected:
          '200 with the old token; at the next refresh 401 with `loginUrl`; signing in again works.',
        testedBy: [
          {
            file: FAULTS,
            test: 'should serve the still-valid token, then answer 401 with the login URL at the next refresh, which Feishu refuses',
          },
        ],
      },
      {
        id: 'L2',
        case: 'Answer lost (timeout) after Feishu rotated; access token expired',
        expected: '504 without a retry, then 401 with `loginUrl`.',
        testedBy: [
          {
            file: FAULTS,
            test: 'should answer 504 without retrying when the token had expired, then 401 with the login URL',
          },
          {
            file: HTTP_UNIT,
            test: 'should not retry a timed-out non-idempotent request (a refresh token is single use)',
          },
        ],
      },
      {
        id: 'L3',
        case: 'Connection dropped before Feishu processed the refresh',
        expected: '503; the refresh token is kept and the next refresh succeeds.',
        testedBy: [
          {
            file: FAULTS,
            test: 'should not retry a refresh whose connection was reset, answer 503 and keep the refresh token',
          },
        ],
      },
    ],
  },
  {
    title: 'Token store failing (Redis down)',
    intro:
      'Against a real `redis-server` (stopped, paused with `CLIENT PAUSE`, or refusing writes at ' +
      '`maxmemory`), `RedisTokenStore` with a 300 ms command timeout.',
    cases: [
      {
        id: 'S1',
        case: 'Login started while Redis is down',
        expected:
          'The redirect to Feishu, since nothing is stored before the callback (the login travels in its cookie); that login finishes once Redis is back.',
        testedBy: [
          {
            file: REDIS,
            test: 'should start a login while Redis is down and finish it once Redis is back',
          },
        ],
      },
      {
        id: 'S2',
        case: 'Callback while Redis is down',
        expected: '503 JSON, no session, the code is not exchanged.',
        testedBy: [
          {
            file: REDIS,
            test: 'should answer a callback while Redis is down with 503 JSON, without exchanging the code',
          },
        ],
      },
      {
        id: 'S3',
        case: 'Guarded request while Redis does not answer',
        expected: '503 JSON; the session is served again afterwards.',
        testedBy: [
          {
            file: REDIS,
            test: 'should answer a guarded request while Redis does not answer with 503 JSON, then serve the session again',
          },
          { file: GUARD, test: 'should answer 503 when the store is down' },
        ],
      },
      {
        id: 'S4',
        case: 'Request needing a refresh while Redis is down',
        expected: '503 JSON; no refresh is sent to Feishu (its result could not be stored).',
        testedBy: [
          {
            file: REDIS,
            test: 'should answer a request needing a refresh while Redis is down with 503 JSON, sending no refresh',
          },
        ],
      },
      {
        id: 'S5',
        case: 'Write of a rotated token times out while a request waits for it (under 60 s left), Redis applies it later',
        expected: '503; the token is not lost: the user stays signed in.',
        testedBy: [
          {
            file: REDIS,
            test: 'should answer 503 when the write of a rotated token a request waits for times out, and keep the user signed in once Redis applied it',
          },
        ],
      },
      {
        id: 'S6',
        case: 'Redis refuses the write of a rotated token a request waits for (after Feishu rotated it)',
        expected:
          '503; the new refresh token is lost (Feishu already retired the old one), so the next request gets 401 with `loginUrl`: the user signs in again. Unavoidable without a store.',
        testedBy: [
          {
            file: REDIS,
            test: 'should answer 503 when Redis refuses the write of a rotated token a request waits for, and 401 with the login URL next (the new refresh token is lost)',
          },
        ],
      },
      {
        id: 'S7',
        case: 'Background refresh scheduler during an outage',
        expected: 'Keeps ticking, no unhandled rejection; the app serves once Redis is back.',
        testedBy: [
          {
            file: REDIS,
            test: 'should keep the background refresh running through an outage without an unhandled rejection',
          },
        ],
      },
      {
        id: 'S8',
        case: 'Every store method while Redis is down',
        expected:
          '`FeishuStoreUnavailableError` within a bounded time; works again once Redis is back.',
        testedBy: [
          {
            file: REDIS_STORE,
            test: 'should reject every method with FeishuStoreUnavailableError within a bounded time, then work again once Redis is back',
          },
        ],
      },
      {
        id: 'S9',
        case: 'Redis refuses the write of a background refresh (a due token still served)',
        expected:
          'Requests keep being served the stored token; the failure is reported once (`onTokenRefreshFailed`, `status().failures`) and backed off; once Feishu refuses the lost refresh token the user gets 401 with `loginUrl`.',
        testedBy: [
          {
            file: REDIS,
            test: 'should serve a due token while Redis refuses the write of its background refresh, report that failure, and ask for login once Feishu refuses the lost refresh token',
          },
        ],
      },
      {
        id: 'S10',
        case: 'Another instance holds a token’s refresh lock and neither finishes nor lets go within `refresh.lockWaitMs` (a lease longer than the wait)',
        expected:
          'Waiters poll the store for its result and take over as soon as the lock is free; past the wait they are served a still-valid token, else `FeishuRefreshLockTimeoutError` (503, not a `FeishuApiError`); nothing is deleted and Feishu is not asked meanwhile.',
        testedBy: [
          {
            file: USER_TOKENS,
            test: 'should answer a typed lock-wait timeout (503) when another instance holds an expired user token’s refresh lock past lockWaitMs',
          },
          {
            file: REFRESHER_UNIT,
            test: 'should throw FeishuRefreshLockTimeoutError, answered 503, when the lock stays held and nothing valid is left',
          },
          {
            file: REFRESHER_UNIT,
            test: "should take the renewal over once the holder's lease has run out",
          },
          {
            file: REFRESHER_UNIT,
            test: 'should serve what is still valid when the lock stays held past lockWaitMs',
          },
        ],
      },
      {
        id: 'S11',
        case: "The near cache's invalidation connection or data connection drops, or Redis refuses `CLIENT TRACKING`",
        expected:
          'Everything kept is dropped and every read goes to Redis (the cache is off, never stale) until tracking is on again on the new connections; a change made meanwhile is read at once.',
        testedBy: [
          {
            file: NEAR_CACHE,
            test: 'should read Redis every time while the invalidation connection is down, and keep records again once it is back',
          },
          {
            file: NEAR_CACHE,
            test: 'should drop what it kept when its data connection drops, and track the new one',
          },
          {
            file: NEAR_CACHE,
            test: 'should never track, and read Redis every time, when the server refuses CLIENT',
          },
        ],
      },
    ],
  },
  {
    title: 'Redis replicas and failover',
    intro:
      'On a real local Redis Cluster (3 masters, 1 replica each, cluster-node-timeout 1 s) under four ' +
      'instance processes, and on one redis-server with and without a replica. The master holding a ' +
      'user’s record is killed (SIGKILL) right after it took the rotated refresh token and before its ' +
      'replica had it (the replica is frozen with `DEBUG SLEEP` and its link cut, as a slow link would).',
    cases: [
      {
        id: 'R1',
        case: 'A master dies right after it took a user’s rotated refresh token, before its replica has it (20 failovers, refreshes in flight)',
        expected:
          'The `WAIT 1` after the write fails with the connection; the library, still holding the rotated tokens and the refresh lock, writes them again on the promoted replica. Requests get 503 for at most cluster-node-timeout + 5 s, then 200; 0 users signed out, no 500, no process exit.',
        testedBy: [
          {
            file: FAILOVER,
            test: 'keeps the user signed in through 20 failovers: 503 only within the failover window, no 500, no process exit',
          },
        ],
      },
      {
        id: 'R2',
        case: 'The same failovers with `waitForReplica: false` (unsafe)',
        expected:
          'The promoted replica brings back the retired refresh token: Feishu refuses it (20064) and the user must sign in again: the loss the `WAIT` prevents.',
        testedBy: [
          {
            file: FAILOVER,
            test: 'signs the user out in failovers without the WAIT step (waitForReplica: false, unsafe)',
          },
        ],
      },
      {
        id: 'R3',
        case: 'No replica confirms a user’s new tokens within `replicaAckTimeoutMs`',
        expected:
          'The tokens stay on the master and are served; the event is reported (`setUserToken` resolves `{ replicated: false }`, `status().unreplicatedWrites`, a warning without tokens).',
        testedBy: [
          {
            file: CLUSTER_STORE,
            test: 'should keep the tokens on the master and answer replicated: false when no replica confirms in time',
          },
          {
            file: RENEWAL,
            test: 'should serve rotated tokens no replica confirmed, and count them in status().unreplicatedWrites',
          },
        ],
      },
      {
        id: 'R4',
        case: 'The store refuses the write of rotated tokens for a moment (a failover under way)',
        expected:
          'Written again every 100 ms while half the lock lease is left; served once stored; no failure reported, one refresh at Feishu.',
        testedBy: [
          {
            file: RENEWAL,
            test: 'should store rotated tokens the store refused twice (a failover) by trying again while it holds the lock',
          },
        ],
      },
      {
        id: 'R5',
        case: 'A single node, or a Cluster, without replicas',
        expected:
          'No `WAIT` is sent: one `SET` per write, at most one `ROLE` per master per second (`INFO commandstats`).',
        testedBy: [
          {
            file: REDIS_STORE,
            test: "should send no WAIT for a user's tokens to a Redis without replicas, and at most one ROLE a second",
          },
          {
            file: CLUSTER_STORE,
            test: 'should send no WAIT and at most one ROLE per master on a cluster without replicas',
          },
        ],
      },
    ],
  },
  {
    title: 'Attacks on the login callback',
    intro: 'Each answered 4xx JSON with a stable `reason`, never 500, no session, no stored token.',
    cases: [
      {
        id: 'A1',
        case: 'CSRF: state missing',
        expected: '403 `missing_state`, before any exchange.',
        testedBy: [
          { file: BAD_INPUT, test: 'should refuse a missing state before exchanging the code' },
        ],
      },
      {
        id: 'A2',
        case: 'CSRF: state forged',
        expected: '403 `invalid_state`, before any exchange.',
        testedBy: [
          { file: BAD_INPUT, test: 'should refuse a forged state before exchanging the code' },
          {
            file: ATTACKS,
            test: 'should refuse a state made of %s with 403 before exchanging the code',
          },
        ],
      },
      {
        id: 'A3',
        case: 'CSRF: state reused',
        expected: '403 `invalid_state`, before any exchange.',
        testedBy: [
          {
            file: ATTACKS,
            test: 'should refuse a state reused after its login completed, before exchanging the new code',
          },
          { file: STATE_UNIT, test: 'should refuse a state used twice' },
        ],
      },
      {
        id: 'A4',
        case: 'CSRF: state from another browser (missing or other login cookie)',
        expected:
          '403 before any exchange: `state_browser_mismatch` without a login cookie that opens, `invalid_state` when the state is not one of that cookie’s logins.',
        testedBy: [
          {
            file: BAD_INPUT,
            test: 'should refuse a state started in another browser (login CSRF) before exchanging the code',
          },
          {
            file: PARSERS,
            test: 'should refuse a callback whose login cookie is anything but the one set, before exchanging the code',
          },
        ],
      },
      {
        id: 'A5',
        case: 'Code injection: another login’s code, or hostile characters in the code',
        expected: '400 `pkce_mismatch` / `code_invalid`.',
        testedBy: [
          {
            file: BAD_INPUT,
            test: 'should refuse a code exchanged with another login’s PKCE verifier',
          },
          {
            file: ATTACKS,
            test: 'should refuse an injected code made of %s with 400 code_invalid after one exchange',
          },
        ],
      },
      {
        id: 'A6',
        case: 'Code replay',
        expected: '400 `code_invalid` with the single-use hint; the signed-in user is untouched.',
        testedBy: [
          { file: BAD_INPUT, test: 'should refuse a replayed code with the hint, as 400 not 502' },
          {
            file: BAD_INPUT,
            test: 'should leave an already signed-in user untouched by a bad callback',
          },
        ],
      },
      {
        id: 'A7',
        case: 'PKCE downgrade to `plain`',
        expected: '400 `pkce_mismatch`.',
        testedBy: [
          {
            file: ATTACKS,
            test: 'should refuse a code whose authorize request was downgraded to the plain method',
          },
        ],
      },
      {
        id: 'A8',
        case: 'PKCE challenge stripped from the authorize URL',
        expected:
          "v3 token endpoint: 400 `pkce_mismatch`. v2: Feishu accepts a verifier when no challenge was bound (a server rule the library cannot see), so only the browser binding protects the login: use `tokenEndpoint: 'v3'` to close it.",
        testedBy: [
          {
            file: ATTACKS,
            test: 'should refuse on the v3 token endpoint a code whose PKCE challenge was stripped',
          },
          {
            file: ATTACKS,
            test: 'should accept on the v2 token endpoint a code whose PKCE challenge was stripped, as Feishu v2 does',
          },
        ],
      },
      {
        id: 'A9',
        case: 'Open redirect through `returnTo` (`//host`, `/\\host`, `/.//host`, schemes, control characters …)',
        expected:
          '400 `invalid_return_to`, no redirect; an accepted value is kept normalised (dot segments ' +
          'resolved) and never starts with `//` or `/\\`, so it stays on this site.',
        testedBy: [
          {
            file: RETURN_TO_UNIT,
            test: 'should return only normalised paths that stay on this site, even when redirected to again',
          },
          { file: LOGIN, test: 'should return to the normalised returnTo, dot segments resolved' },
          {
            file: ATTACKS,
            test: 'should refuse returnTo %j with 400 invalid_return_to and no redirect',
          },
          {
            file: PARSERS,
            test: 'should accept as returnTo only paths that stay on this site, whatever the base URL',
          },
          { file: LOGIN, test: 'should return to a validated local returnTo after login' },
        ],
      },
      {
        id: 'A10',
        case: 'Oversized query (callback, login route)',
        expected: '414 `query_too_large`.',
        testedBy: [
          { file: BAD_INPUT, test: 'should refuse an oversized query with 414' },
          {
            file: ATTACKS,
            test: 'should refuse an oversized login query with 414 before redirecting',
          },
        ],
      },
      {
        id: 'A11',
        case: 'Repeated or nested callback parameters, any query at all (property-based)',
        expected: '400 / 403 / 414 JSON with a known reason; no code is ever exchanged.',
        testedBy: [
          { file: BAD_INPUT, test: 'should refuse repeated callback parameters' },
          {
            file: PARSERS,
            test: 'should answer any callback query with a 4xx JSON reason and never exchange a code',
          },
        ],
      },
      {
        id: 'A12',
        case: 'Unicode, control characters, CRLF, NUL, bidi overrides in code, state and error',
        expected: '4xx JSON with the matching reason.',
        testedBy: [
          {
            file: ATTACKS,
            test: 'should refuse an injected code made of %s with 400 code_invalid after one exchange',
          },
          {
            file: ATTACKS,
            test: 'should refuse a state made of %s with 403 before exchanging the code',
          },
          {
            file: ATTACKS,
            test: 'should refuse a Feishu error made of %s with 400 authorization_error',
          },
        ],
      },
    ],
  },
  {
    title: 'Attacks on sessions, Bearer tokens and headers',
    intro:
      'Each answered 401 JSON `{ statusCode, error, reason, loginUrl }` unless said otherwise.',
    cases: [
      {
        id: 'B1',
        case: 'Session cookie tampered, or signed with an unknown secret',
        expected: '401.',
        testedBy: [
          { file: GUARD, test: 'should refuse a session cookie whose id was tampered with' },
          {
            file: GUARD,
            test: 'should refuse a session id signed with a secret the app does not know',
          },
          { file: GUARD, test: 'should refuse a well-signed cookie naming no session' },
        ],
      },
      {
        id: 'B2',
        case: 'Session cookie replayed after logout',
        expected: '401; the user’s stored tokens are gone.',
        testedBy: [
          {
            file: LOGIN,
            test: 'should sign in, serve the user and both tokens, and sign out to a 401 with the login URL',
          },
        ],
      },
      {
        id: 'B3',
        case: 'Session fixation (a planted cookie before login)',
        expected: 'A new session id at each login; the old one answers 401.',
        testedBy: [
          {
            file: LOGIN,
            test: 'should give each login a new session id, even when the browser brings one',
          },
        ],
      },
      {
        id: 'B4',
        case: 'Any Cookie header (property-based), hostile characters, a 12 KB cookie',
        expected: '401; a valid session cookie is found among any other cookies.',
        testedBy: [
          {
            file: PARSERS,
            test: 'should answer any Cookie header without a valid session with 401 JSON and the login URL',
          },
          { file: PARSERS, test: 'should find a valid session cookie among any other cookies' },
          { file: ATTACKS, test: 'should answer a session cookie made of %s with 401 JSON' },
          { file: ATTACKS, test: 'should answer a 12 KB session cookie with 401 JSON' },
        ],
      },
      {
        id: 'B5',
        case: 'Bearer token that is garbage, huge, of another scheme, or has characters no token has',
        expected: '401 without asking Feishu.',
        testedBy: [
          { file: GUARD, test: 'should refuse %s without asking Feishu' },
          {
            file: ATTACKS,
            test: 'should refuse a Bearer token made of %s with 401 without asking Feishu',
          },
        ],
      },
      {
        id: 'B6',
        case: 'Bearer token Feishu rejects; a refresh or tenant token presented as a user token',
        expected: '401; the stored tokens are untouched.',
        testedBy: [
          { file: GUARD, test: 'should refuse a Bearer token Feishu rejects' },
          { file: ATTACKS, test: 'should refuse %s presented as a user token with 401' },
          { file: GUARD, test: 'should keep the stored tokens untouched by refused requests' },
        ],
      },
      {
        id: 'B7',
        case: 'Bearer token of another app',
        expected:
          '401, even for a person who has signed in to this app too: Feishu scopes open_id to one app, so user_info of another app’s token gives an open_id this app has no stored tokens for. The emulator derives open_id per app, as Feishu does.',
        testedBy: [
          {
            file: GUARD,
            test: 'should refuse the token of a user who never signed in to this app',
          },
          {
            file: GUARD,
            test: 'should refuse a Bearer token another app issued to a user who has signed in to this app',
          },
        ],
      },
      {
        id: 'B8',
        case: 'Headers beyond 16 KB; control characters in a header',
        expected:
          'Refused by Node’s HTTP parser before the app runs (431 / 400, no JSON body possible); the process keeps serving.',
        testedBy: [
          {
            file: ATTACKS,
            test: 'should leave headers beyond 16 KB to Node, which answers 431, and keep serving',
          },
          {
            file: ATTACKS,
            test: 'should leave control characters in a header to Node, which answers 400, and keep serving',
          },
        ],
      },
      {
        id: 'B9',
        case: 'Forged session reference after the genuine one was verified (cache of verified references)',
        expected:
          '401: only the exact strings a secret verified are remembered, per purpose; any other string gets the full HMAC check.',
        testedBy: [
          {
            file: REFERENCE_UNIT,
            test: 'should still refuse forgeries of a reference it already verified',
          },
          {
            file: REFERENCE_UNIT,
            test: 'should not accept a value verified for one purpose as a value of the other',
          },
        ],
      },
      {
        id: 'B10',
        case: 'Logout on one instance, the same cookie on another (shared store)',
        expected:
          '401 on every instance from the next request in memory (bound 0 s), within 1 s on Redis (the near cache is invalidated by Redis, its TTL cap is 1 s); the user token read alongside the ended session is dropped, never served.',
        testedBy: [
          {
            file: REDIS_CONSISTENCY,
            test: 'should refuse a session on the other instance within the bound once it was logged out on one',
          },
          {
            file: CONSISTENCY,
            test: 'should refuse a session on every instance within the logout bound once it was logged out on one',
          },
          {
            file: CONSISTENCY,
            test: 'should not serve the token read alongside a session that has ended',
          },
        ],
      },
      {
        id: 'B11',
        case: 'User token rotated by one instance while another serves the same user',
        expected:
          'The other instance serves the new token from the moment it is stored, never the old one.',
        testedBy: [
          {
            file: CONSISTENCY,
            test: 'should never serve a user token on another instance once its rotation is stored',
          },
          {
            file: REDIS_CONSISTENCY,
            test: 'should never serve on the other instance a user token retired by a rotation one stored',
          },
        ],
      },
    ],
  },
  {
    title: 'Strangers on the internet',
    intro:
      'What anyone who can reach the app can send without signing in: events, codes and login ' +
      'parameters, each refused before it changes state or reaches Feishu.',
    cases: [
      {
        id: 'I1',
        case: 'A code leaked from the redirect login posted to the in-app endpoint; `pkce: true` with the legacy `v1-oidc` endpoint, which takes no verifier',
        expected:
          'The code is refused with 400 `pkce_mismatch` (PKCE binds it to the login’s verifier); ' +
          '`pkce: true` with `v1-oidc` fails at boot with `FeishuConfigError`, and PKCE is off there by default.',
        testedBy: [
          {
            file: IN_APP,
            test: 'should refuse a code of the redirect login, which PKCE binds to a verifier this endpoint never sends',
          },
          {
            file: TOKEN_OPTIONS_UNIT,
            test: 'should refuse pkce: true with the v1-oidc token endpoint, which takes no verifier',
          },
        ],
      },
      {
        id: 'N1',
        case: '20,000 login starts from a client without cookies',
        expected:
          'Nothing is stored before the callback (state, PKCE verifier and returnTo travel sealed in the browser’s login cookie): a real login started before them finishes; Redis gains no key (measured: 0 keys, under 1,000 / 5 MB asserted).',
        testedBy: [
          {
            file: STATE_UNIT,
            test: 'should finish a login started before 20,000 cookie-less login starts, in the default in-memory store',
          },
          { file: STATE_UNIT, test: 'should not touch the store when a login starts' },
          {
            file: LOGIN_FLOOD,
            test: 'should grow Redis by under 1,000 keys and 5 MB over 20,000 login starts, and finish a real login started before them',
          },
        ],
      },
      {
        id: 'N2',
        case: 'A callback with another browser’s state (burning it), or two callbacks with one state at once',
        expected:
          'The state is claimed in the store only after the browser’s own login cookie proved it, atomically (`acquireLock`): another browser’s callback is refused and leaves the state usable by its owner; of two concurrent callbacks one goes on.',
        testedBy: [
          {
            file: BAD_INPUT,
            test: 'should let the browser that started a login finish it after another browser sent its state',
          },
          {
            file: STATE_UNIT,
            test: 'should not let a callback from another browser burn the state',
          },
          {
            file: STATE_UNIT,
            test: 'should give a state to exactly one of two concurrent callbacks',
          },
        ],
      },
      {
        id: 'N4',
        case: 'A Bearer token of another app whose users share the store (and keyPrefix); a Bearer token after its user logged out',
        expected:
          'User records are keyed by app id and open_id in every store (the encrypting store also seals the app id in): another app’s token names no record of this app, 401. The record is read on every Bearer request, cached profile or not, so after logout the token gets 401 at once on every instance sharing the store.',
        testedBy: [
          {
            file: GUARD,
            test: 'should refuse the Bearer token of another app whose users are kept in the same store',
          },
          {
            file: GUARD,
            test: 'should refuse a Bearer token on every instance at once after its user logs out',
          },
          {
            file: APP_BOUND,
            test: 'should refuse a Bearer token on both instances at once after its user logs out on one',
          },
          {
            file: APP_BOUND,
            test: 'should refuse on one app the Bearer token of another app sharing the keyPrefix',
          },
          {
            file: USER_TOKEN_CONTRACT,
            test: 'should keep the records of two apps with the same open_id apart',
          },
        ],
      },
      {
        id: 'N5',
        case: '2,000 junk Bearer tokens, or 2,000 junk in-app codes, from one client address; one refused token sent again and again',
        expected:
          'Each costs a Feishu call (`user_info`, the token endpoint with the app secret) only within the client’s `strangerBudget` (100 at once, 60 a minute): at most 200 reach Feishu (measured: 100), the rest get 429 JSON with `Retry-After`, the same on Express and Fastify. A refused token is remembered by hash and asked about once. In the same second another client’s token refresh (never budgeted) and in-app login succeed; a client’s successful sign-ins give their calls back.',
        testedBy: [
          {
            file: STRANGERS,
            test: 'should let 2,000 junk Bearer tokens from one client reach Feishu at most 200 times, while another client refreshes and signs in',
          },
          {
            file: STRANGERS,
            test: 'should let 2,000 junk in-app codes from one client reach Feishu at most 200 times, while another client refreshes and signs in',
          },
          {
            file: STRANGERS,
            test: 'should ask Feishu once about a Bearer token it refused, however often it is sent',
          },
          {
            file: STRANGERS,
            test: 'should give a real sign-in its budget back, so a client signing in often is never refused',
          },
          {
            file: BUCKET_UNIT,
            test: 'should grant exactly burst tokens at one instant, then refuse',
          },
        ],
      },
      {
        id: 'N3',
        case: 'A signed value replayed for another purpose (session token as session cookie and back); cookies over plain http or from a sub-domain',
        expected:
          "401: a purpose label is signed with each value. Secure cookies are named `__Host-…` (`__Secure-…` with a domain). A session secret under 32 characters, or `sameSite: 'none'` without Secure, stops the boot naming the option.",
        testedBy: [
          {
            file: IN_APP,
            test: 'should refuse a session token sent as the session cookie, and a session cookie sent as a session token',
          },
          {
            file: LOGIN,
            test: 'should name the login cookie __Host- and mark it Secure when session.secure is true',
          },
          { file: SESSION_OPTIONS_UNIT, test: 'should reject a bad %s with one message naming it' },
          { file: SESSION_OPTIONS_UNIT, test: 'should name the cookies for %j: %s and %s' },
        ],
      },
      {
        id: 'I2',
        case: 'An event posted to the events endpoint when neither `events.verificationToken` nor `events.encryptKey` is set (a missing environment variable)',
        expected:
          "The app does not boot with `eventsPath` or `appType: 'store'` (`FeishuConfigError` naming both " +
          'options, no secret in it); `FeishuEventHandler` used from a route of the app refuses every ' +
          'event with 401 and stores nothing.',
        testedBy: [
          {
            file: EVENTS,
            test: 'should refuse eventsPath without events.verificationToken or events.encryptKey, naming them',
          },
          {
            file: EVENTS,
            test: "should refuse appType 'store' without events.verificationToken or events.encryptKey",
          },
          {
            file: EVENTS,
            test: 'should refuse every event at a route of the app when nothing authenticates events',
          },
        ],
      },
      {
        id: 'I3',
        case: 'A correctly signed event replayed: `X-Lark-Request-Timestamp` more than 5 minutes old or ahead, or the same event id again within the window (also Feishu’s own redelivery)',
        expected:
          '401 for a timestamp off by more than 5 minutes; a repeated event id is acknowledged with 200 ' +
          'and dropped (claimed once in the store for 8 hours, only after authentication).',
        testedBy: [
          {
            file: EVENTS,
            test: 'should refuse a correctly signed event %s with 401 and store nothing',
          },
          {
            file: EVENTS,
            test: 'should handle an event id once: a redelivery or replay is acknowledged and dropped',
          },
          {
            file: EVENT_CLAIM_CONTRACT,
            test: 'should give an event id to exactly one of many concurrent claims across instances',
          },
        ],
      },
      {
        id: 'I4',
        case: 'An older `app_ticket` arriving after a newer one (a late redelivery, or instances racing); a ticket dated ahead; a ticket for another app id',
        expected:
          'The newer ticket stays (the store compares create times and sets atomically); a ticket dated ' +
          'more than 5 minutes ahead is refused with 400; another app’s ticket is ignored, its app id ' +
          'logged quoted and cut to 64 characters.',
        testedBy: [
          {
            file: EVENTS,
            test: 'should never let an older app_ticket replace a newer one, whatever the arrival order',
          },
          {
            file: APP_TICKET_CONTRACT,
            test: 'should keep the latest of many app_tickets written concurrently by several instances',
          },
          {
            file: EVENTS,
            test: 'should refuse an app_ticket dated ahead, which would keep real tickets out, with only a verification token',
          },
          {
            file: EVENTS,
            test: 'should ignore an app_ticket for another app, logging its app id quoted and cut short',
          },
        ],
      },
      {
        id: 'I5',
        case: 'Demo: another site triggers `GET /auth/feishu/logout` (an image, a link); a signed-out visitor opens `/status` or `/api/status`',
        expected:
          'GET logout answers 405 with `Allow: POST` and the session survives (logout is a form POST); ' +
          'the status pages name no open_id but the signed-in visitor’s own.',
        testedBy: [
          {
            file: DEMO,
            test: 'should log out only by POST: GET /auth/feishu/logout answers 405 and keeps the session',
          },
          {
            file: DEMO,
            test: 'should show no open_id on /status and /api/status to a signed-out visitor, nor another user’s',
          },
        ],
      },
    ],
  },
  {
    title: 'HTTP platforms and the host app',
    intro:
      'The same answers on Express and Fastify: the suites marked below run once per platform ' +
      '(`describe.each` over `HTTP_PLATFORMS`), and the packed tarballs run in fresh Nest 11 + ' +
      'CommonJS and Nest 12 + ESM apps on both platforms (`npm run test:integration`).',
    cases: [
      {
        id: 'P1',
        case: 'Login, callback, session cookie, `X-Feishu-Session`, Bearer, in-app code, logout and `failureRedirect` on Fastify',
        expected:
          'The statuses, cookies, redirects and JSON bodies of Express; no Fastify plugin needed. ' +
          '(Before: `GET /auth/feishu/login` answered 502, `getHeader` of undefined.)',
        testedBy: [
          {
            file: PLATFORMS,
            test: 'should redirect to Feishu with state and PKCE, and set the signed binding cookie',
          },
          {
            file: PLATFORMS,
            test: 'should sign in on the callback, serve the session cookie and X-Feishu-Session, and log out',
          },
          {
            file: PLATFORMS,
            test: 'should sign in with an in-app code for a session token, accepted as X-Feishu-Session until logout',
          },
          { file: PLATFORMS, test: 'should redirect a refused login to failureRedirect' },
        ],
      },
      {
        id: 'P2',
        case: 'The bad-input matrix on Fastify: forged or replayed state, replayed code, tampered cookie, malformed JSON, oversized query, oversized or broken headers',
        expected:
          'The same status and JSON body as on Express (the whole callback, code endpoint, guard, attack and parser suites run on both).',
        testedBy: [
          {
            file: ATTACKS,
            test: 'should refuse a state reused after its login completed, before exchanging the new code',
          },
          {
            file: ATTACKS,
            test: 'should refuse an oversized login query with 414 before redirecting',
          },
          {
            file: IN_APP,
            test: 'should refuse a replayed code with the single-use hint and keep the first session',
          },
          { file: IN_APP, test: 'should answer 400 JSON for a body that is not valid JSON' },
          { file: GUARD, test: 'should refuse a session cookie whose id was tampered with' },
          {
            file: PARSERS,
            test: 'should answer any callback query with a 4xx JSON reason and never exchange a code',
          },
        ],
      },
      {
        id: 'P3',
        case: 'A signed event on Fastify, one whose body changed after signing, and an app created without `rawBody: true`',
        expected:
          'The signature is checked over the bytes received (`rawBody: true`) on both platforms: the challenge is answered, the changed body refused with 401. An app created without `rawBody: true` refuses a non-compact body with 401 and warns once, naming the option.',
        testedBy: [
          {
            file: PLATFORMS,
            test: 'should check the signature over the raw body and answer the challenge',
          },
          { file: PLATFORMS, test: 'should refuse a body changed after signing with 401 JSON' },
          {
            file: PLATFORMS,
            test: 'should warn once, naming rawBody: true, when the app was created without it',
          },
        ],
      },
      {
        id: 'P4',
        case: 'A host app with its own `ScheduleModule.forRoot()` and an `@Interval(100)` job beside `FeishuAuthModule`',
        expected:
          'The job runs 10 ± 2 times a second, not 20: the module imports no `ScheduleModule.forRoot()`; the token refresh runs on its own timer, stopped when the app closes.',
        testedBy: [
          {
            file: SCHEDULER_UNIT,
            test: "should leave a host app's own ScheduleModule.forRoot() jobs running once per interval",
          },
          { file: SCHEDULER_UNIT, test: 'should stop ticking once the app is closed' },
        ],
      },
      {
        id: 'P5',
        case: 'The packed tarballs in Nest 11 + CommonJS and Nest 12 + ESM apps, each on Express and Fastify',
        expected:
          'Each compiles with `tsc --strict`, logs in by redirect and by in-app code, serves the guarded route by cookie and `X-Feishu-Session`, logs out, and runs the host’s `@Interval(100)` 10 ± 2 times a second.',
        testedBy: [
          {
            file: PACKED,
            test: 'on %s: logs in by redirect and by in-app code, serves the guarded route by cookie and X-Feishu-Session, logs out, and leaves the host @Interval(100) at 10 ± 2 runs a second',
          },
        ],
      },
    ],
  },
  {
    title: 'The official SDK client and the health probe',
    intro:
      "`FeishuLarkModule`'s `Client` of `@larksuiteoapi/node-sdk` and `FeishuHealthIndicator`, against " +
      "the emulator; tokens are revoked with the emulator's `invalidateToken()`.",
    cases: [
      {
        id: 'K1',
        case: 'A tenant token Feishu revoked early meets an SDK call (99991663, HTTP 400); also a client_credentials token under FeishuClient',
        expected:
          'The token is dropped and the call sent once more with a fresh one: one extra token fetch, the call succeeds.',
        testedBy: [
          {
            file: LARK,
            test: 'should drop a tenant token Feishu revoked and retry the SDK call once with a new one',
          },
          {
            file: CLIENT_CREDENTIALS,
            test: 'should drop a client_credentials token Feishu revoked and retry the call once with a new one',
          },
        ],
      },
      {
        id: 'K2',
        case: 'A user token Feishu revoked early meets an SDK user call (99991668)',
        expected: 'The user token is refreshed and the call retried once; it succeeds.',
        testedBy: [
          {
            file: LARK,
            test: 'should refresh a user token Feishu revoked and retry the user call once',
          },
        ],
      },
      {
        id: 'K3',
        case: 'A token the caller brought is rejected',
        expected: "Feishu's answer is passed on; nothing is retried or dropped.",
        testedBy: [{ file: LARK, test: 'should not retry a call whose token the caller brought' }],
      },
      {
        id: 'K4',
        case: 'Feishu refuses an SDK call (the SDK logs the whole axios error, with its Authorization header)',
        expected:
          'The log line has message, HTTP status and Feishu code only: no token, no secret.',
        testedBy: [
          { file: LARK, test: 'should write no token to the log when Feishu refuses an SDK call' },
        ],
      },
      {
        id: 'K5',
        case: 'The token store does not answer a health probe; a renewal failed and no token is held',
        expected:
          '503 from the health endpoint naming `store` or `token` as down, never 500; no token or secret in it.',
        testedBy: [
          {
            file: HEALTH,
            test: 'should answer 503 with the store down when the store does not answer',
          },
          {
            file: HEALTH,
            test: 'should answer 503 with the token failing once a renewal failed and no token is held',
          },
        ],
      },
      {
        id: 'K6',
        case: 'Probes every few seconds',
        expected: 'No call to Feishu from any probe.',
        testedBy: [
          {
            file: HEALTH,
            test: 'should answer 100 probes of a cold app up, without a single call to Feishu',
          },
        ],
      },
      {
        id: 'K7',
        case: 'A store app’s SDK call before any app_ticket has arrived',
        expected:
          '`FeishuAppTicketUnavailableError` from `TokenService`; one app_ticket resend, the module’s, none from the SDK’s own ticket manager.',
        testedBy: [
          {
            file: LARK,
            test: "should fail a store app's SDK call with TokenService's typed error while no app_ticket has arrived, the SDK asking Feishu for nothing itself",
          },
        ],
      },
    ],
  },
  {
    title: 'Secrets',
    intro:
      'Every reliability test file logs through a recorder of every Nest log level and of `console`, ' +
      'and remembers every token, refresh token, session id, login state and PKCE verifier the store ' +
      'was given, plus the app secret, the session secret and the cookie values; its last test fails ' +
      'if any of them appears in the output.',
    cases: [
      {
        id: 'X1',
        case: 'Tokens, refresh tokens, app secret, cookie values in logs, across all the flows above',
        expected: 'None appears in any log line.',
        testedBy: [
          { file: FAULTS, test: LEAK_TEST },
          { file: ATTACKS, test: LEAK_TEST },
          { file: PARSERS, test: LEAK_TEST },
          { file: REDIS, test: LEAK_TEST },
          {
            file: LOGIN,
            test: 'should never write a token, secret, code or cookie value to the logs during a full flow',
          },
        ],
      },
      {
        id: 'X2',
        case: 'A corrupt Redis value under a key holding a session id; outside input (an app id, a tenant key) with line breaks or 10,000 characters in a log line',
        expected:
          'The key is logged as its kind and a 6-character hash; outside input is JSON-quoted and cut ' +
          'to 64 characters, so it cannot forge or flood a log line.',
        testedBy: [
          {
            file: REDIS_STORE,
            test: 'should log a corrupt %s value by its kind and a short hash, never the id in its key',
          },
          {
            file: TRACKER_UNIT,
            test: 'should log a tenant key given by the app quoted and cut short, so it cannot forge a log line',
          },
          {
            file: LOG_UNIT,
            test: 'should never let any string add a line or more than the cap to a log line',
          },
        ],
      },
    ],
  },
];

/** docs/reliability.md, rendered from the matrix. */
export function renderReliabilityDoc(sections: ReliabilitySection[] = RELIABILITY_MATRIX): string {
  const lines = [
    '# Reliability and security matrix',
    '',
    '<!-- Generated from test/reliability/matrix.ts by `npm run docs:reliability`; do not edit. -->',
    '',
    'How `@feishu-auth/nestjs` behaves when Feishu, the network or the token store fail, and when a',
    'client sends hostile input. Every row names the tests that prove it; `npm test` fails when a named',
    'test disappears or when this page differs from `test/reliability/matrix.ts`. The Redis rows run',
    'with `npm run test:integration`. Both run in CI (`.ci/run`).',
    '',
  ];
  for (const section of sections) {
    lines.push(`## ${section.title}`, '', section.intro, '');
    lines.push('| # | Case | Expected | Tested by |', '| --- | --- | --- | --- |');
    for (const row of section.cases) {
      const tests = row.testedBy.map((ref) => `\`${ref.file}\`: ${escapeCell(ref.test)}`);
      lines.push(
        `| ${row.id} | ${escapeCell(row.case)} | ${escapeCell(row.expected)} | ${tests.join('<br>')} |`,
      );
    }
    lines.push('');
  }
  return lines.join('\n');
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}
