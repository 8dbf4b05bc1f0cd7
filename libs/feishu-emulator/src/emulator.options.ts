/** @publicApi */
export type EmulatorAppType = 'self-built' | 'store';

/** @publicApi */
export type EmulatorBrand = 'feishu' | 'lark';

/** @publicApi */
export interface EmulatorApp {
  appId: string;
  appSecret: string;
  type: EmulatorAppType;
  name: string;
  brand: EmulatorBrand;
  /** Exact-match list; Feishu allows no wildcards. */
  redirectUris: string[];
  /** Scopes enabled for the app in the developer console. */
  scopes: string[];
  /** The "refresh user_access_token" security switch; `false` answers 20074. */
  refreshEnabled: boolean;
  /** A disabled app answers 20069 on the OAuth endpoints and 10014 on /auth/v3. */
  enabled: boolean;
  /** Tenants the app is installed in. A self-built app has exactly its own tenant. */
  tenantKeys: string[];
  /** Where app_ticket events are POSTed (store apps). */
  eventUrl?: string;
  /** Event Encrypt Key: events are AES-encrypted and signed when set. */
  encryptKey?: string;
  verificationToken: string;
}

/** @publicApi */
export type EmulatorUserStatus = 'active' | 'resigned' | 'frozen' | 'unregistered' | 'deactivated';

/** @publicApi */
export interface EmulatorUser {
  openId: string;
  unionId: string;
  userId: string;
  tenantKey: string;
  name: string;
  enName: string;
  email: string;
  enterpriseEmail: string;
  mobile: string;
  employeeNo: string;
  avatarUrl: string;
  /** resigned → user_info 20021, frozen → 20022, unregistered → 20023, deactivated → token 20066. */
  status: EmulatorUserStatus;
}

/** A tenant (a company), as `GET /open-apis/tenant/v2/tenant/query` answers it. @publicApi */
export interface EmulatorTenant {
  tenantKey: string;
  name: string;
  /** The company ID shown in the admin console (`F…`). */
  displayId: string;
  /** The company's Feishu domain (`<domain>.feishu.cn`). */
  domain: string;
  avatarUrl: string;
}

/** Lifetimes in seconds. @publicApi */
export interface EmulatorTokenLifetimes {
  accessToken: number;
  refreshToken: number;
  appToken: number;
  code: number;
}

/** @publicApi */
export type OldAccessTokenAfterRefresh = 'valid-until-expiry' | 'grace-60s' | 'revoke';

/** @publicApi */
export interface EmulatorRateLimit {
  perSecond: number;
  perMinute: number;
}

/** @publicApi */
export interface FeishuEmulatorOptions {
  /** 0 (default) picks any free port. */
  port?: number;
  host?: string;
  /** Replace the default apps (partial apps are completed with defaults). */
  apps?: Array<Partial<EmulatorApp> & { appId: string }>;
  /** Replace the default users. */
  users?: Array<Partial<EmulatorUser> & { openId: string }>;
  /** Replace the default tenants; a tenant an app is installed in but not listed gets defaults. */
  tenants?: Array<Partial<EmulatorTenant> & { tenantKey: string }>;
  tokenLifetimes?: Partial<EmulatorTokenLifetimes>;
  /** Epoch milliseconds; defaults to `Date.now`. */
  clock?: () => number;
  oldAccessTokenAfterRefresh?: OldAccessTokenAfterRefresh;
  reusedRefreshTokenCode?: 20064 | 20073;
  wrongAppSecretCode?: 10014 | 10015;
  rateLimit?: boolean | EmulatorRateLimit;
  appTicketIntervalSeconds?: number;
  /** Sign plaintext events (apps without an Encrypt Key) with an empty key. */
  signPlaintextEvents?: boolean;
  /** Retry delays for events that were not acknowledged with HTTP 200 within the ack timeout. */
  eventRetryDelaysMs?: number[];
  eventAckTimeoutMs?: number;
  /** The brand this instance plays; apps of the other brand get 20046 on the v1 OIDC routes. */
  brand?: EmulatorBrand;
  logRequests?: boolean;
}

/** @publicApi */
export const DEFAULT_TOKEN_LIFETIMES: Readonly<EmulatorTokenLifetimes> = Object.freeze({
  accessToken: 7200,
  refreshToken: 604800,
  appToken: 7200,
  code: 300,
});

/** The documented ack timeout (3 s) and retry schedule (15 s, 5 min, 1 h, 6 h). @publicApi */
export const DEFAULT_EVENT_RETRY_DELAYS_MS: readonly number[] = Object.freeze([
  15_000, 300_000, 3_600_000, 21_600_000,
]);

/** The documented limits of the authorize and token endpoints. @publicApi */
export const DOCUMENTED_RATE_LIMIT: Readonly<EmulatorRateLimit> = Object.freeze({
  perSecond: 50,
  perMinute: 1000,
});

export interface ResolvedEmulatorOptions {
  port: number;
  host: string;
  tokenLifetimes: EmulatorTokenLifetimes;
  clock: () => number;
  oldAccessTokenAfterRefresh: OldAccessTokenAfterRefresh;
  reusedRefreshTokenCode: 20064 | 20073;
  wrongAppSecretCode: 10014 | 10015;
  rateLimit: EmulatorRateLimit | false;
  appTicketIntervalSeconds: number;
  signPlaintextEvents: boolean;
  eventRetryDelaysMs: number[];
  eventAckTimeoutMs: number;
  brand: EmulatorBrand;
  logRequests: boolean;
}

export function resolveOptions(options: FeishuEmulatorOptions): ResolvedEmulatorOptions {
  return {
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
    tokenLifetimes: { ...DEFAULT_TOKEN_LIFETIMES, ...options.tokenLifetimes },
    clock: options.clock ?? Date.now,
    oldAccessTokenAfterRefresh: options.oldAccessTokenAfterRefresh ?? 'valid-until-expiry',
    reusedRefreshTokenCode: options.reusedRefreshTokenCode ?? 20064,
    wrongAppSecretCode: options.wrongAppSecretCode ?? 10014,
    rateLimit: resolveRateLimit(options.rateLimit),
    appTicketIntervalSeconds: options.appTicketIntervalSeconds ?? 3600,
    signPlaintextEvents: options.signPlaintextEvents ?? true,
    eventRetryDelaysMs: [...(options.eventRetryDelaysMs ?? DEFAULT_EVENT_RETRY_DELAYS_MS)],
    eventAckTimeoutMs: options.eventAckTimeoutMs ?? 3000,
    brand: options.brand ?? 'feishu',
    logRequests: options.logRequests ?? false,
  };
}

function resolveRateLimit(
  rateLimit: FeishuEmulatorOptions['rateLimit'],
): EmulatorRateLimit | false {
  if (rateLimit === true) return { ...DOCUMENTED_RATE_LIMIT };
  if (!rateLimit) return false;
  return { ...rateLimit };
}
