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
 * - `'v2'`: `POST {open}/open-apis/authen/v2/oauth/token` (as documented);
 * - `'v3'`: `POST {accounts}/oauth/v3/token` (Feishu's newer endpoint);
 * - `'v1-oidc'`: the legacy `/open-apis/authen/v1/oidc/*` pair, authenticated with the app token.
 * A user whose stored refresh token came from another family keeps being refreshed on that one
 * (a stored record names its family as `FeishuUserTokenRecord.issuer`, of this type).
 *
 * @publicApi
 */
export type FeishuTokenEndpoint = 'v2' | 'v3' | 'v1-oidc';

/**
 * How a self-built app gets its tenant access token:
 * - `'internal'`: `POST {open}/open-apis/auth/v3/tenant_access_token/internal`;
 * - `'client_credentials'`: `POST {accounts}/oauth/v3/token` with `grant_type=client_credentials`,
 *   Feishu's newer grant, which answers JWT-format tokens (up to 4 KB).
 * Both are cached, fetched once however many callers ask, renewed ahead of expiry and dropped and
 * fetched again when Feishu rejects them. Store apps always use app_ticket + tenant_key.
 *
 * @publicApi
 */
export interface FeishuTenantTokenOptions {
  /**
   * `'client_credentials'` is for self-built apps only (checked at boot).
   * @default FEISHU_AUTH_DEFAULTS.tenantToken.grant
   */
  grant?: 'internal' | 'client_credentials';
  /**
   * How `client_credentials` authenticates the app: `'client_secret_post'` (`client_id` and
   * `client_secret` in the body) or `'client_secret_basic'` (an HTTP Basic header). Never both:
   * Feishu answers 20070 to a request that carries both.
   * @default FEISHU_AUTH_DEFAULTS.tenantToken.clientAuth
   */
  clientAuth?: 'client_secret_post' | 'client_secret_basic';
}

/**
 * Every default is in `FEISHU_AUTH_DEFAULTS.session`.
 *
 * @publicApi
 */
export interface FeishuSessionOptions {
  /** Signs the session cookie. An array rotates keys: the first signs, all verify. */
  secret: string | string[];
  /**
   * The login-binding cookie is named like it plus `_login`.
   * @default FEISHU_AUTH_DEFAULTS.session.cookieName
   */
  cookieName?: string;
  /**
   * Session lifetime, in seconds.
   * @default FEISHU_AUTH_DEFAULTS.session.ttlSeconds
   */
  ttlSeconds?: number;
  /**
   * Lifetime of the session tokens `FeishuCodeGuard` answers to clients that keep no cookies
   * (sent back as `X-Feishu-Session`), in seconds; never longer than `ttlSeconds`.
   * @default FEISHU_AUTH_DEFAULTS.session.tokenTtlSeconds
   */
  tokenTtlSeconds?: number;
  /**
   * `'auto'`: Secure unless `NODE_ENV` is `development` or `test`.
   * @default FEISHU_AUTH_DEFAULTS.session.secure
   */
  secure?: boolean | 'auto';
  /**
   * `'lax'` lets the cookie survive the redirect back from Feishu.
   * @default FEISHU_AUTH_DEFAULTS.session.sameSite
   */
  sameSite?: 'lax' | 'strict' | 'none';
  /** Cookie domain; default: the host that set it. */
  domain?: string;
}

/** @publicApi */
export interface FeishuHttpOptions {
  /**
   * Per-request timeout, in ms.
   * @default FEISHU_AUTH_DEFAULTS.http.timeoutMs
   */
  timeoutMs?: number;
  /**
   * Retries after the first attempt, for network errors, HTTP 5xx and Feishu's transient codes.
   * @default FEISHU_AUTH_DEFAULTS.http.retries
   */
  retries?: number;
  /**
   * First backoff delay, in ms; doubles per retry, with full jitter.
   * @default FEISHU_AUTH_DEFAULTS.http.retryBaseDelayMs
   */
  retryBaseDelayMs?: number;
  /**
   * Cap on one backoff delay, in ms.
   * @default FEISHU_AUTH_DEFAULTS.http.retryMaxDelayMs
   */
  retryMaxDelayMs?: number;
}

/** @publicApi */
export interface FeishuRefreshOptions {
  /**
   * Scheduler tick, in ms.
   * @default FEISHU_AUTH_DEFAULTS.refresh.intervalMs
   */
  intervalMs?: number;
  /**
   * App and tenant tokens are renewed when less than this remains, in seconds. The default is
   * Feishu's window: it returns the same token while 30 minutes or more remain, and a new one (the
   * old staying valid) after.
   * @default FEISHU_AUTH_DEFAULTS.refresh.appTokenMarginSeconds
   */
  appTokenMarginSeconds?: number;
  /**
   * User tokens are refreshed when less than this remains, in seconds.
   * @default FEISHU_AUTH_DEFAULTS.refresh.userTokenMarginSeconds
   */
  userTokenMarginSeconds?: number;
  /**
   * Refresh user tokens in the background before they expire.
   * @default FEISHU_AUTH_DEFAULTS.refresh.proactiveUserRefresh
   */
  proactiveUserRefresh?: boolean;
  /**
   * Cap on background refreshes sent to Feishu per second (Feishu allows 50/s).
   * @default FEISHU_AUTH_DEFAULTS.refresh.maxRefreshesPerSecond
   */
  maxRefreshesPerSecond?: number;
  /**
   * Lease of the cross-instance refresh lock, in ms; a dead holder's lock frees itself after it.
   *
   * Must be greater than `http.timeoutMs` (checked at boot): a user's refresh sends its single-use
   * refresh token in one request, retried only after failures that prove Feishu did not process it,
   * and that request must end while the lock is held, or a second instance could spend the same
   * refresh token and sign the user out. App and tenant renewals, retried up to `http.retries` times
   * with backoff, may outlive the lease; then two instances may both renew, which costs a call
   * (Feishu hands both the same token) but nothing else.
   * @default FEISHU_AUTH_DEFAULTS.refresh.lockLeaseMs
   */
  lockLeaseMs?: number;
  /**
   * How long a caller waits for another instance's refresh before trying itself, in ms.
   * @default lockLeaseMs + FEISHU_AUTH_DEFAULTS.refresh.lockWaitBeyondLeaseMs
   */
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
  /**
   * Calls a client may make at once.
   * @default FEISHU_AUTH_DEFAULTS.strangerBudget.burst
   */
  burst?: number;
  /**
   * Calls a client regains a minute.
   * @default FEISHU_AUTH_DEFAULTS.strangerBudget.perMinute
   */
  perMinute?: number;
  /**
   * Client addresses remembered (least recently seen forgotten first).
   * @default FEISHU_AUTH_DEFAULTS.strangerBudget.maxClients
   */
  maxClients?: number;
}

/**
 * What `FeishuAuthModule.forRoot()` takes. Each option left out takes its value from
 * `FEISHU_AUTH_DEFAULTS`, named by its `@default` tag; the limits are checked at boot.
 *
 * @publicApi
 */
export interface FeishuAuthModuleOptions {
  appId: string;
  appSecret: string;
  /**
   * Store apps get tenant tokens through app_ticket + tenant_key.
   * @default FEISHU_AUTH_DEFAULTS.appType
   */
  appType?: 'self-built' | 'store';
  /** @default FEISHU_AUTH_DEFAULTS.domain */
  domain?: FeishuDomain;
  /** The absolute callback URL, registered in the developer console. */
  redirectUri: string;
  /**
   * Extra scopes to request; `offline_access` is always requested.
   * @default FEISHU_AUTH_DEFAULTS.scopes
   */
  scopes?: string[];
  /**
   * The app's login route, returned as `loginUrl` in 401 answers.
   * @default FEISHU_AUTH_DEFAULTS.loginPath
   */
  loginPath?: string;
  /** Where a failed callback redirects (with `?error=`); default: answer 4xx JSON. */
  failureRedirect?: string;
  session: FeishuSessionOptions;
  /** When left out: a new `InMemoryTokenStore()`. */
  store?: FeishuTokenStore;
  /** @default FEISHU_AUTH_DEFAULTS.tokenEndpoint */
  tokenEndpoint?: FeishuTokenEndpoint;
  /** Self-built apps: which grant issues the tenant token. */
  tenantToken?: FeishuTenantTokenOptions;
  /**
   * PKCE (S256) on the authorize request. Off on `tokenEndpoint: 'v1-oidc'`, which takes no
   * verifier, and `true` is refused there at boot (`FeishuConfigError`).
   * @default FEISHU_AUTH_DEFAULTS.pkce
   */
  pkce?: boolean;
  bearer?: {
    /**
     * Accept `Authorization: Bearer <user_access_token>` in `FeishuAuthGuard`.
     * @default FEISHU_AUTH_DEFAULTS.bearer.enabled
     */
    enabled?: boolean;
    /**
     * How long a validated Bearer token's profile is cached, in seconds; `0` asks Feishu every time.
     * @default FEISHU_AUTH_DEFAULTS.bearer.cacheTtlSeconds
     */
    cacheTtlSeconds?: number;
  };
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
  /** Time source in epoch ms; `Date.now` when left out. */
  clock?: () => number;
  onTokenRefreshed?: (event: FeishuTokenRefreshEvent) => void;
  onTokenRefreshFailed?: (event: FeishuTokenRefreshFailedEvent) => void;
}
