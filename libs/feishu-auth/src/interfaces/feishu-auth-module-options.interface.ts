import type { FeishuTokenStore } from './feishu-token-store.interface.js';

/**
 * `'feishu'` (open.feishu.cn / accounts.feishu.cn), `'lark'` (open.larksuite.com /
 * accounts.larksuite.com), or explicit base URLs, e.g. the emulator's `{ open: url, accounts: url }`.
 *
 * @publicApi
 */
export type FeishuDomain = 'feishu' | 'lark' | { open: string; accounts: string };

/**
 * Where user tokens are exchanged and refreshed:
 * - `'v2'`: `POST {open}/open-apis/authen/v2/oauth/token` (default, as documented);
 * - `'v3'`: `POST {accounts}/oauth/v3/token` (Feishu's newer endpoint);
 * - `'v1-oidc'`: the legacy `/open-apis/authen/v1/oidc/*` pair, authenticated with the app token.
 * A user whose stored refresh token came from another family keeps being refreshed on that one.
 *
 * @publicApi
 */
export type FeishuTokenEndpoint = 'v2' | 'v3' | 'v1-oidc';

/**
 * How a self-built app gets its tenant access token:
 * - `'internal'` (default): `POST {open}/open-apis/auth/v3/tenant_access_token/internal`;
 * - `'client_credentials'`: `POST {accounts}/oauth/v3/token` with `grant_type=client_credentials`,
 *   Feishu's newer grant, which answers JWT-format tokens (up to 4 KB).
 * Both are cached, fetched once however many callers ask, renewed ahead of expiry and dropped and
 * fetched again when Feishu rejects them. Store apps always use app_ticket + tenant_key.
 *
 * @publicApi
 */
export interface FeishuTenantTokenOptions {
  /** Default `'internal'`. `'client_credentials'` is for self-built apps only (checked at boot). */
  grant?: 'internal' | 'client_credentials';
  /**
   * How `client_credentials` authenticates the app: `'client_secret_post'` (default: `client_id`
   * and `client_secret` in the body) or `'client_secret_basic'` (an HTTP Basic header). Never both:
   * Feishu answers 20070 to a request that carries both.
   */
  clientAuth?: 'client_secret_post' | 'client_secret_basic';
}

/** @publicApi */
export interface FeishuSessionOptions {
  /** Signs the session cookie. An array rotates keys: the first signs, all verify. */
  secret: string | string[];
  /** Default `'feishu_session'`. */
  cookieName?: string;
  /** Session lifetime. Default 7 days (604800). */
  ttlSeconds?: number;
  /**
   * Lifetime of the session tokens `FeishuCodeGuard` answers to clients that keep no cookies
   * (sent back as `X-Feishu-Session`). Default 7200 s (2 hours); never longer than `ttlSeconds`.
   */
  tokenTtlSeconds?: number;
  /** `'auto'` (default): Secure unless `NODE_ENV` is `development` or `test`. */
  secure?: boolean | 'auto';
  /** Default `'lax'`, so the cookie survives the redirect back from Feishu. */
  sameSite?: 'lax' | 'strict' | 'none';
  /** Cookie domain; default: the host that set it. */
  domain?: string;
}

/** @publicApi */
export interface FeishuHttpOptions {
  /** Per-request timeout. Default 10000 ms. */
  timeoutMs?: number;
  /** Retries after the first attempt, for network errors, HTTP 5xx and Feishu's transient codes. Default 2. */
  retries?: number;
  /** First backoff delay; doubles per retry, with full jitter. Default 200 ms. */
  retryBaseDelayMs?: number;
  /** Cap on one backoff delay. Default 2000 ms. */
  retryMaxDelayMs?: number;
}

/** @publicApi */
export interface FeishuRefreshOptions {
  /** Scheduler tick. Default 30000 ms. */
  intervalMs?: number;
  /**
   * App and tenant tokens are renewed when less than this remains. Default 1800 s: Feishu returns
   * the same token while 30 minutes or more remain, and a new one (the old staying valid) after.
   */
  appTokenMarginSeconds?: number;
  /** User tokens are refreshed when less than this remains. Default 300 s. */
  userTokenMarginSeconds?: number;
  /** Refresh user tokens in the background before they expire. Default true. */
  proactiveUserRefresh?: boolean;
  /** Cap on background refreshes sent to Feishu per second (Feishu allows 50/s). Default 20. */
  maxRefreshesPerSecond?: number;
  /**
   * Lease of the cross-instance refresh lock; a dead holder's lock frees itself after it. Default
   * 15000 ms, at most 30000.
   *
   * Must be greater than `http.timeoutMs` (checked at boot): a user's refresh sends its single-use
   * refresh token in one request, retried only after failures that prove Feishu did not process it,
   * and that request must end while the lock is held, or a second instance could spend the same
   * refresh token and sign the user out. App and tenant renewals, retried up to `http.retries` times
   * with backoff, may outlive the lease; then two instances may both renew, which costs a call
   * (Feishu hands both the same token) but nothing else.
   */
  lockLeaseMs?: number;
  /** How long a caller waits for another instance's refresh before trying itself. Default lease + 5000 ms. */
  lockWaitMs?: number;
}

/** @publicApi */
export interface FeishuEncryptionOptions {
  /**
   * AES-256-GCM keys (32 bytes, base64 or hex) by key id. The first entry encrypts; every entry
   * decrypts, so a key can be rotated by putting the new one first and keeping the old one.
   */
  keys: { id: string; key: string }[];
}

/** @publicApi */
export interface FeishuEventOptions {
  /** The app's Verification Token (developer console → Events & Callbacks). */
  verificationToken?: string;
  /** The app's Encrypt Key; when set, events are decrypted and their signature is checked. */
  encryptKey?: string;
}

/** Emitted after a token was renewed. Carries no token. @publicApi */
export interface FeishuTokenRefreshEvent {
  kind: 'app' | 'tenant' | 'user';
  /** tenant key for `tenant`, open id for `user`, app id for `app`. */
  subject: string;
  expiresAt: number;
  /** `true` when the scheduler renewed it before anyone asked. */
  proactive: boolean;
}

/** Emitted when a renewal failed. Carries no token. @publicApi */
export interface FeishuTokenRefreshFailedEvent {
  kind: 'app' | 'tenant' | 'user';
  subject: string;
  error: Error;
  /** `true` when the cached token is still valid and keeps being served. */
  stillValid: boolean;
}

/**
 * A token bucket per client address (the platform's `request.ip`: set Express `trust proxy` /
 * Fastify `trustProxy` behind a proxy). Kept in memory, so each instance has its own. A success
 * (a known user's token, a signed-in code) gives its token back; token refreshes never take one.
 *
 * @publicApi
 */
export interface FeishuStrangerBudgetOptions {
  /** Calls a client may make at once. Default 100. */
  burst?: number;
  /** Calls a client regains a minute. Default 60. */
  perMinute?: number;
  /** Client addresses remembered (least recently seen forgotten first). Default 10,000. */
  maxClients?: number;
}

/** @publicApi */
export interface FeishuAuthModuleOptions {
  appId: string;
  appSecret: string;
  /** Default `'self-built'`. Store apps get tenant tokens through app_ticket + tenant_key. */
  appType?: 'self-built' | 'store';
  /** Default `'feishu'`. */
  domain?: FeishuDomain;
  /** The absolute callback URL, registered in the developer console. */
  redirectUri: string;
  /** Extra scopes to request; `offline_access` is always requested. */
  scopes?: string[];
  /** The app's login route, returned as `loginUrl` in 401 answers. Default `'/auth/feishu/login'`. */
  loginPath?: string;
  /** Where a failed callback redirects (with `?error=`); default: answer 4xx JSON. */
  failureRedirect?: string;
  session: FeishuSessionOptions;
  /** Default: a new `InMemoryTokenStore()`. */
  store?: FeishuTokenStore;
  /** Default `'v2'`. */
  tokenEndpoint?: FeishuTokenEndpoint;
  /** Self-built apps: which grant issues the tenant token. Default `{ grant: 'internal' }`. */
  tenantToken?: FeishuTenantTokenOptions;
  /**
   * PKCE (S256) on the authorize request. Default true, except on `tokenEndpoint: 'v1-oidc'`, which
   * takes no verifier: there it is off, and `true` is refused at boot (`FeishuConfigError`).
   */
  pkce?: boolean;
  /** Accept `Authorization: Bearer <user_access_token>` in `FeishuAuthGuard`. Default true. */
  bearer?: { enabled?: boolean; cacheTtlSeconds?: number };
  /**
   * Per client address, how much unauthenticated work may reach Feishu: validating a Bearer token
   * not seen before and exchanging an in-app code. Over it the client gets 429.
   */
  strangerBudget?: FeishuStrangerBudgetOptions;
  http?: FeishuHttpOptions;
  refresh?: FeishuRefreshOptions;
  /** Encryption at rest of stored access and refresh tokens, in every store. Default off. */
  encryption?: FeishuEncryptionOptions;
  /** For store apps: how app_ticket events are verified. */
  events?: FeishuEventOptions;
  /** Time source in epoch ms. Default `Date.now`. */
  clock?: () => number;
  onTokenRefreshed?: (event: FeishuTokenRefreshEvent) => void;
  onTokenRefreshFailed?: (event: FeishuTokenRefreshFailedEvent) => void;
}
