/**
 * The value `FeishuAuthModule` uses for every option left out: the one place a default is
 * written. The options' JSDoc names these entries, the resolvers read them, and a test checks the
 * README options table against them value by value.
 *
 * `refresh.lockWaitMs` has no fixed default: it is `refresh.lockLeaseMs` plus
 * `refresh.lockWaitBeyondLeaseMs`.
 *
 * @publicApi
 */
export const FEISHU_AUTH_DEFAULTS = {
  appType: 'self-built',
  domain: 'feishu',
  /** Extra scopes; `offline_access` is always requested. */
  scopes: [],
  loginPath: '/auth/feishu/login',
  session: {
    cookieName: 'feishu_session',
    /** 7 days. */
    ttlSeconds: 7 * 24 * 3600,
    /** 2 hours, as long as a Feishu user access token: a leaked session token is worth little for long. */
    tokenTtlSeconds: 2 * 3600,
    secure: 'auto',
    sameSite: 'lax',
  },
  tokenEndpoint: 'v2',
  tenantToken: { grant: 'internal', clientAuth: 'client_secret_post' },
  /** Except on `tokenEndpoint: 'v1-oidc'`, which takes no verifier: there it is off. */
  pkce: true,
  bearer: { enabled: true, cacheTtlSeconds: 60 },
  strangerBudget: { burst: 100, perMinute: 60, maxClients: 10_000 },
  http: { timeoutMs: 10_000, retries: 2, retryBaseDelayMs: 200, retryMaxDelayMs: 2_000 },
  refresh: {
    intervalMs: 30_000,
    /** Feishu's same-token window: 30 minutes. */
    appTokenMarginSeconds: 1800,
    userTokenMarginSeconds: 300,
    proactiveUserRefresh: true,
    maxRefreshesPerSecond: 20,
    lockLeaseMs: 15_000,
    /** `lockWaitMs` defaults to `lockLeaseMs` plus this. */
    lockWaitBeyondLeaseMs: 5_000,
  },
} as const;

/** Bounds of an integer option, both inclusive. */
export interface FeishuIntegerRange {
  readonly min: number;
  readonly max?: number;
}

/**
 * The bounds the options are checked against at boot; the error messages quote them from here.
 * Internal: the README states them, and a test checks it does so with these values.
 */
export const FEISHU_AUTH_LIMITS = {
  /** Feishu accepts 50 scopes per authorize request; `offline_access` is one of them. */
  maxExtraScopes: 49,
  /** Shorter session secrets are refused at boot: they sign every session and login cookie. */
  minSessionSecretLength: 32,
  /** AES-256-GCM: `encryption.keys[].key` is 32 bytes. */
  encryptionKeyBytes: 32,
  session: { ttlSeconds: { min: 1 }, tokenTtlSeconds: { min: 1 } },
  bearer: { cacheTtlSeconds: { min: 0 } },
  strangerBudget: { burst: { min: 1 }, perMinute: { min: 1 }, maxClients: { min: 1 } },
  http: {
    timeoutMs: { min: 1 },
    retries: { min: 0, max: 10 },
    retryBaseDelayMs: { min: 0 },
    retryMaxDelayMs: { min: 0 },
  },
  refresh: {
    intervalMs: { min: 10 },
    appTokenMarginSeconds: { min: 0 },
    userTokenMarginSeconds: { min: 0 },
    /** Feishu allows 50 refreshes a second. */
    maxRefreshesPerSecond: { min: 1, max: 50 },
    lockLeaseMs: { min: 1, max: 30_000 },
    lockWaitMs: { min: 0 },
  },
} as const satisfies {
  readonly [group: string]: number | { readonly [option: string]: FeishuIntegerRange };
};
