import { FeishuConfigError } from './feishu-auth.errors.js';
import * as messages from './feishu-auth.messages.js';
import type {
  FeishuAuthModuleOptions,
  FeishuDomain,
  FeishuEncryptionOptions,
  FeishuStrangerBudgetOptions,
  FeishuTenantTokenOptions,
  FeishuTokenEndpoint,
  FeishuTokenRefreshEvent,
  FeishuTokenRefreshFailedEvent,
} from './interfaces/feishu-auth-module-options.interface.js';
import type { FeishuTokenStore } from './interfaces/feishu-token-store.interface.js';
import { prefixedCookieName, type FeishuCookieAttributes } from './session/feishu-cookie.util.js';

/** Base URLs of one brand. */
export interface FeishuBaseUrls {
  /** OpenAPI host, e.g. `https://open.feishu.cn` (no trailing slash). */
  open: string;
  /** Accounts / OAuth host, e.g. `https://accounts.feishu.cn` (no trailing slash). */
  accounts: string;
}

/** The module options after validation, with every default applied. Internal. */
export interface ResolvedFeishuAuthOptions {
  appId: string;
  appSecret: string;
  appType: 'self-built' | 'store';
  domain: FeishuBaseUrls;
  redirectUri: string;
  /** Always contains `offline_access`, without duplicates. */
  scopes: string[];
  loginPath: string;
  failureRedirect?: string;
  session: {
    /** The first signs, all verify. */
    secrets: string[];
    /** As sent: `session.cookieName` with the `__Host-` / `__Secure-` prefix its attributes allow. */
    cookieName: string;
    /** The pending-login cookie, named like the session cookie plus `_login`. */
    loginCookieName: string;
    ttlSeconds: number;
    /** Session tokens of cookie-less clients; at most `ttlSeconds`. */
    tokenTtlSeconds: number;
    /** `'auto'` resolved at boot from NODE_ENV. */
    secure: boolean;
    sameSite: 'lax' | 'strict' | 'none';
    domain?: string;
  };
  /** As given; the module supplies the default store. */
  store?: FeishuTokenStore;
  tokenEndpoint: FeishuTokenEndpoint;
  tenantToken: Required<FeishuTenantTokenOptions>;
  pkce: boolean;
  bearer: { enabled: boolean; cacheTtlSeconds: number };
  strangerBudget: Required<FeishuStrangerBudgetOptions>;
  http: { timeoutMs: number; retries: number; retryBaseDelayMs: number; retryMaxDelayMs: number };
  refresh: {
    intervalMs: number;
    appTokenMarginSeconds: number;
    userTokenMarginSeconds: number;
    proactiveUserRefresh: boolean;
    maxRefreshesPerSecond: number;
    lockLeaseMs: number;
    lockWaitMs: number;
  };
  /** Validated (each key 32 bytes); the first encrypts. */
  encryption?: FeishuEncryptionOptions;
  events: { verificationToken?: string; encryptKey?: string };
  clock: () => number;
  onTokenRefreshed?: (event: FeishuTokenRefreshEvent) => void;
  onTokenRefreshFailed?: (event: FeishuTokenRefreshFailedEvent) => void;
}

const BRANDS: Record<'feishu' | 'lark', FeishuBaseUrls> = {
  feishu: { open: 'https://open.feishu.cn', accounts: 'https://accounts.feishu.cn' },
  lark: { open: 'https://open.larksuite.com', accounts: 'https://accounts.larksuite.com' },
};

const DEFAULT_SESSION_TTL_SECONDS = 7 * 24 * 3600;
/** As long as a Feishu user access token: a leaked session token is worth little for long. */
const DEFAULT_SESSION_TOKEN_TTL_SECONDS = 2 * 3600;
/** Per client: 100 unauthenticated Feishu calls at once, 60 more a minute, 10,000 clients kept. */
const DEFAULT_STRANGER_BURST = 100;
const DEFAULT_STRANGER_PER_MINUTE = 60;
const DEFAULT_STRANGER_MAX_CLIENTS = 10_000;
const MAX_EXTRA_SCOPES = 49; // Feishu accepts 50 per authorize request; offline_access is one of them.

/**
 * Validates the options given to `FeishuAuthModule` and applies every default. Throws
 * `FeishuConfigError` naming the first bad option; a secret's value never appears in it.
 */
export function resolveFeishuAuthOptions(
  options: FeishuAuthModuleOptions,
): ResolvedFeishuAuthOptions {
  if (!isObject(options)) throw new FeishuConfigError(messages.missingOptionsMessage());
  const refresh = resolveRefresh(options.refresh);
  const tokenEndpoint = resolveTokenEndpoint(options.tokenEndpoint);
  const appType = resolveAppType(options.appType);
  const resolved: ResolvedFeishuAuthOptions = {
    appId: requireToken(options.appId, messages.invalidAppIdMessage),
    appSecret: requireToken(options.appSecret, messages.invalidAppSecretMessage),
    appType,
    domain: resolveDomain(options.domain),
    redirectUri: resolveRedirectUri(options.redirectUri),
    scopes: resolveScopes(options.scopes),
    loginPath: resolveLocalPath(options.loginPath ?? '/auth/feishu/login', 'loginPath'),
    failureRedirect:
      options.failureRedirect === undefined
        ? undefined
        : resolveLocalPath(options.failureRedirect, 'failureRedirect'),
    session: resolveSession(options.session),
    store: resolveStore(options.store),
    tokenEndpoint,
    tenantToken: resolveTenantToken(options.tenantToken, appType),
    pkce: resolvePkce(options.pkce, tokenEndpoint),
    bearer: {
      enabled: resolveBoolean(options.bearer?.enabled, true, 'bearer.enabled'),
      cacheTtlSeconds: resolveInteger(
        options.bearer?.cacheTtlSeconds,
        60,
        'bearer.cacheTtlSeconds',
        0,
      ),
    },
    strangerBudget: resolveStrangerBudget(options.strangerBudget),
    http: resolveHttp(options.http),
    refresh,
    encryption: resolveEncryption(options.encryption),
    events: {
      verificationToken: resolveOptionalSecret(
        options.events?.verificationToken,
        'verificationToken',
      ),
      encryptKey: resolveOptionalSecret(options.events?.encryptKey, 'encryptKey'),
    },
    clock: resolveCallback(options.clock, 'clock') ?? (() => Date.now()),
    onTokenRefreshed: resolveCallback(options.onTokenRefreshed, 'onTokenRefreshed'),
    onTokenRefreshFailed: resolveCallback(options.onTokenRefreshFailed, 'onTokenRefreshFailed'),
  };
  assertLeaseOutlivesOneRequest(resolved);
  if (resolved.appType === 'store') assertEventsAuthenticated(resolved, "appType: 'store'");
  return resolved;
}

/**
 * Events change state (a store app's app_ticket): refuse to receive them when nothing can prove
 * they come from Feishu. Used for store apps here and by the events controller at boot.
 */
export function assertEventsAuthenticated(
  { events }: ResolvedFeishuAuthOptions,
  reason: string,
): void {
  if (events.verificationToken !== undefined || events.encryptKey !== undefined) return;
  throw new FeishuConfigError(messages.eventsWithoutAuthenticationMessage(reason));
}

/**
 * The legacy v1 OIDC token endpoint takes no `code_verifier`: PKCE is off there by default, and
 * asking for it is refused rather than sending a challenge nothing checks.
 */
function resolvePkce(value: unknown, tokenEndpoint: FeishuTokenEndpoint): boolean {
  const pkce = resolveBoolean(value, tokenEndpoint !== 'v1-oidc', 'pkce');
  if (pkce && tokenEndpoint === 'v1-oidc') {
    throw new FeishuConfigError(messages.pkceWithV1OidcMessage());
  }
  return pkce;
}

/**
 * A user's refresh is sent once (its refresh token is single use) under the refresh lock: should
 * that one request outlive the lease, a second instance could spend the same refresh token.
 */
function assertLeaseOutlivesOneRequest({ http, refresh }: ResolvedFeishuAuthOptions): void {
  if (refresh.lockLeaseMs > http.timeoutMs) return;
  throw new FeishuConfigError(
    messages.lockLeaseNotAboveTimeoutMessage(refresh.lockLeaseMs, http.timeoutMs),
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requireToken(value: unknown, message: () => string): string {
  if (typeof value !== 'string' || value.length === 0 || /\s/.test(value)) {
    throw new FeishuConfigError(message());
  }
  return value;
}

function resolveAppType(value: unknown): 'self-built' | 'store' {
  if (value === undefined) return 'self-built';
  if (value === 'self-built' || value === 'store') return value;
  throw new FeishuConfigError(messages.invalidAppTypeMessage());
}

function isHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.length > 0;
  } catch {
    return false;
  }
}

/** Resolves `domain` to two base URLs; the only place that knows Feishu's and Lark's hosts. */
export function resolveDomain(value: FeishuDomain | undefined): FeishuBaseUrls {
  if (value === undefined || value === 'feishu') return { ...BRANDS.feishu };
  if (value === 'lark') return { ...BRANDS.lark };
  if (isObject(value) && isHttpUrl(value.open) && isHttpUrl(value.accounts)) {
    return { open: stripTrailingSlash(value.open), accounts: stripTrailingSlash(value.accounts) };
  }
  throw new FeishuConfigError(messages.invalidDomainMessage());
}

function stripTrailingSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

function resolveRedirectUri(value: unknown): string {
  if (!isHttpUrl(value) || new URL(value).hash !== '' || value.includes('#')) {
    throw new FeishuConfigError(messages.invalidRedirectUriMessage());
  }
  return value;
}

function resolveScopes(value: unknown): string[] {
  if (value === undefined) return ['offline_access'];
  const valid =
    Array.isArray(value) &&
    value.length <= MAX_EXTRA_SCOPES &&
    value.every((scope) => typeof scope === 'string' && scope.length > 0 && !/\s/.test(scope));
  if (!valid) throw new FeishuConfigError(messages.invalidScopesMessage());
  return [...new Set([...(value as string[]), 'offline_access'])];
}

function resolveLocalPath(value: unknown, option: string): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//')) {
    throw new FeishuConfigError(messages.invalidLoginPathMessage(option));
  }
  return value;
}

function resolveSession(value: unknown): ResolvedFeishuAuthOptions['session'] {
  if (!isObject(value)) throw new FeishuConfigError(messages.missingSessionMessage());
  const secrets = resolveSessionSecrets(value.secret);
  const secure = value.secure ?? 'auto';
  if (secure !== 'auto' && typeof secure !== 'boolean') {
    throw new FeishuConfigError(
      messages.invalidSessionFieldMessage('secure', "true, false or 'auto'"),
    );
  }
  const sameSite = value.sameSite ?? 'lax';
  if (sameSite !== 'lax' && sameSite !== 'strict' && sameSite !== 'none') {
    throw new FeishuConfigError(
      messages.invalidSessionFieldMessage('sameSite', "'lax', 'strict' or 'none'"),
    );
  }
  const cookieName = value.cookieName ?? 'feishu_session';
  if (typeof cookieName !== 'string' || !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(cookieName)) {
    throw new FeishuConfigError(
      messages.invalidSessionFieldMessage(
        'cookieName',
        'a non-empty cookie name (letters, digits, - and _)',
      ),
    );
  }
  if (
    value.domain !== undefined &&
    (typeof value.domain !== 'string' || value.domain.length === 0)
  ) {
    throw new FeishuConfigError(
      messages.invalidSessionFieldMessage('domain', 'a non-empty host name'),
    );
  }
  const ttlSeconds = resolveInteger(
    value.ttlSeconds,
    DEFAULT_SESSION_TTL_SECONDS,
    'session.ttlSeconds',
    1,
  );
  const tokenTtlSeconds = resolveInteger(
    value.tokenTtlSeconds,
    DEFAULT_SESSION_TOKEN_TTL_SECONDS,
    'session.tokenTtlSeconds',
    1,
  );
  const attributes: FeishuCookieAttributes = {
    secure: secure === 'auto' ? !isDevelopmentEnvironment() : secure,
    sameSite: sameSite as FeishuCookieAttributes['sameSite'],
    domain: value.domain as string | undefined,
  };
  // Browsers drop a SameSite=None cookie that is not Secure: the login would fail at the callback.
  if (sameSite === 'none' && !attributes.secure) {
    throw new FeishuConfigError(messages.sameSiteNoneWithoutSecureMessage());
  }
  return {
    secrets,
    cookieName: prefixedCookieName(cookieName, attributes),
    loginCookieName: prefixedCookieName(`${cookieName}_login`, attributes),
    ttlSeconds,
    tokenTtlSeconds: Math.min(tokenTtlSeconds, ttlSeconds),
    ...attributes,
  };
}

function isSecret(secret: unknown): secret is string {
  return typeof secret === 'string' && secret.length >= messages.MIN_SESSION_SECRET_LENGTH;
}

function resolveSessionSecrets(value: unknown): string[] {
  if (Array.isArray(value)) {
    if (value.length === 0) throw new FeishuConfigError(messages.invalidSessionSecretMessage());
    value.forEach((secret, index) => {
      if (!isSecret(secret))
        throw new FeishuConfigError(messages.invalidSessionSecretMessage(index));
    });
    return [...value] as string[];
  }
  if (!isSecret(value)) throw new FeishuConfigError(messages.invalidSessionSecretMessage());
  return [value];
}

function isDevelopmentEnvironment(): boolean {
  const env = process.env.NODE_ENV;
  return env === 'development' || env === 'test';
}

function resolveStore(value: unknown): FeishuTokenStore | undefined {
  if (value === undefined) return undefined;
  const required = [
    'getToken',
    'setToken',
    'deleteToken',
    'getUserToken',
    'setUserToken',
    'acquireLock',
    'getDue',
  ];
  if (typeof value !== 'object' || value === null)
    throw new FeishuConfigError(messages.invalidStoreMessage());
  const candidate = value as Record<string, unknown>;
  if (!required.every((method) => typeof candidate[method] === 'function')) {
    throw new FeishuConfigError(messages.invalidStoreMessage());
  }
  return value as FeishuTokenStore;
}

function resolveTokenEndpoint(value: unknown): FeishuTokenEndpoint {
  if (value === undefined) return 'v2';
  if (value === 'v2' || value === 'v3' || value === 'v1-oidc') return value;
  throw new FeishuConfigError(messages.invalidTokenEndpointMessage());
}

function resolveTenantToken(
  value: FeishuTenantTokenOptions | undefined,
  appType: 'self-built' | 'store',
): Required<FeishuTenantTokenOptions> {
  const grant = value?.grant ?? 'internal';
  const clientAuth = value?.clientAuth ?? 'client_secret_post';
  if (grant !== 'internal' && grant !== 'client_credentials') {
    throw new FeishuConfigError(messages.invalidTenantTokenGrantMessage());
  }
  if (clientAuth !== 'client_secret_post' && clientAuth !== 'client_secret_basic') {
    throw new FeishuConfigError(messages.invalidTenantTokenClientAuthMessage());
  }
  if (grant === 'client_credentials' && appType !== 'self-built') {
    throw new FeishuConfigError(messages.clientCredentialsNeedsSelfBuiltMessage());
  }
  return { grant, clientAuth };
}

function resolveBoolean(value: unknown, fallback: boolean, option: string): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean')
    throw new FeishuConfigError(messages.invalidBooleanOptionMessage(option));
  return value;
}

function resolveInteger(
  value: unknown,
  fallback: number,
  option: string,
  min: number,
  max?: number,
): number {
  if (value === undefined) return fallback;
  const valid =
    typeof value === 'number' &&
    Number.isInteger(value) &&
    value >= min &&
    (max === undefined || value <= max);
  if (!valid) {
    const range = max === undefined ? `>= ${min}` : `between ${min} and ${max}`;
    throw new FeishuConfigError(messages.invalidNumberOptionMessage(option, `an integer ${range}`));
  }
  return value as number;
}

function resolveStrangerBudget(
  value: FeishuStrangerBudgetOptions | undefined,
): Required<FeishuStrangerBudgetOptions> {
  return {
    burst: resolveInteger(value?.burst, DEFAULT_STRANGER_BURST, 'strangerBudget.burst', 1),
    perMinute: resolveInteger(
      value?.perMinute,
      DEFAULT_STRANGER_PER_MINUTE,
      'strangerBudget.perMinute',
      1,
    ),
    maxClients: resolveInteger(
      value?.maxClients,
      DEFAULT_STRANGER_MAX_CLIENTS,
      'strangerBudget.maxClients',
      1,
    ),
  };
}

function resolveHttp(value: FeishuAuthModuleOptions['http']): ResolvedFeishuAuthOptions['http'] {
  return {
    timeoutMs: resolveInteger(value?.timeoutMs, 10_000, 'http.timeoutMs', 1),
    retries: resolveInteger(value?.retries, 2, 'http.retries', 0, 10),
    retryBaseDelayMs: resolveInteger(value?.retryBaseDelayMs, 200, 'http.retryBaseDelayMs', 0),
    retryMaxDelayMs: resolveInteger(value?.retryMaxDelayMs, 2_000, 'http.retryMaxDelayMs', 0),
  };
}

function resolveRefresh(
  value: FeishuAuthModuleOptions['refresh'],
): ResolvedFeishuAuthOptions['refresh'] {
  const lockLeaseMs = resolveInteger(value?.lockLeaseMs, 15_000, 'refresh.lockLeaseMs', 1, 30_000);
  return {
    intervalMs: resolveInteger(value?.intervalMs, 30_000, 'refresh.intervalMs', 10),
    appTokenMarginSeconds: resolveInteger(
      value?.appTokenMarginSeconds,
      1800,
      'refresh.appTokenMarginSeconds',
      0,
    ),
    userTokenMarginSeconds: resolveInteger(
      value?.userTokenMarginSeconds,
      300,
      'refresh.userTokenMarginSeconds',
      0,
    ),
    proactiveUserRefresh: resolveBoolean(
      value?.proactiveUserRefresh,
      true,
      'refresh.proactiveUserRefresh',
    ),
    maxRefreshesPerSecond: resolveInteger(
      value?.maxRefreshesPerSecond,
      20,
      'refresh.maxRefreshesPerSecond',
      1,
      50,
    ),
    lockLeaseMs,
    lockWaitMs: resolveInteger(value?.lockWaitMs, lockLeaseMs + 5_000, 'refresh.lockWaitMs', 0),
  };
}

function resolveEncryption(value: unknown): ResolvedFeishuAuthOptions['encryption'] {
  if (value === undefined) return undefined;
  if (!isObject(value) || !Array.isArray(value.keys) || value.keys.length === 0) {
    throw new FeishuConfigError(messages.invalidEncryptionMessage('must be a non-empty array.'));
  }
  const ids = new Set<string>();
  const keys = value.keys.map((entry: unknown, index: number) => {
    if (
      !isObject(entry) ||
      typeof entry.id !== 'string' ||
      entry.id.length === 0 ||
      ids.has(entry.id)
    ) {
      throw new FeishuConfigError(
        messages.invalidEncryptionMessage(`[${index}].id must be a unique non-empty string.`),
      );
    }
    ids.add(entry.id);
    if (!decodeKey(entry.key)) {
      throw new FeishuConfigError(
        messages.invalidEncryptionMessage(`[${index}].key is not 32 bytes.`),
      );
    }
    return { id: entry.id, key: entry.key as string };
  });
  return { keys };
}

function decodeKey(value: unknown): Buffer | undefined {
  if (typeof value !== 'string') return undefined;
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex');
  if (/^[A-Za-z0-9+/_-]{42,43}={0,2}$/.test(value)) {
    const key = Buffer.from(value, 'base64');
    return key.length === 32 ? key : undefined;
  }
  return undefined;
}

function resolveOptionalSecret(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0) {
    throw new FeishuConfigError(messages.invalidEventsOptionMessage(field));
  }
  return value;
}

function resolveCallback<T>(value: T | undefined, option: string): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function')
    throw new FeishuConfigError(messages.invalidCallbackMessage(option));
  return value;
}
