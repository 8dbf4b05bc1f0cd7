import type {
  FeishuAuthModuleOptions,
  FeishuEncryptionOptions,
  FeishuEventOptions,
  FeishuStrangerBudgetOptions,
  FeishuTenantTokenOptions,
  FeishuTokenEndpoint,
  FeishuTokenRefreshEvent,
  FeishuTokenRefreshFailedEvent,
} from './interfaces/feishu-auth-module-options.interface.js';
import type { FeishuTokenStore } from './interfaces/feishu-token-store.interface.js';
import * as app from './options/app.options.js';
import { resolveEncryption } from './options/encryption.options.js';
import { assertEventsAuthenticated, resolveEvents } from './options/events.options.js';
import { FEISHU_AUTH_DEFAULTS } from './options/feishu-auth.defaults.js';
import { configError, resolveCallback } from './options/option-values.util.js';
import { resolveSession, type ResolvedFeishuSessionOptions } from './options/session.options.js';
import { resolveStore } from './options/store.options.js';
import * as tokens from './options/tokens.options.js';

/** The module options after validation, with every default applied. Internal. */
export interface ResolvedFeishuAuthOptions {
  appId: string;
  appSecret: string;
  appType: 'self-built' | 'store';
  domain: app.FeishuBaseUrls;
  redirectUri: string;
  /** Always contains `offline_access`, without duplicates. */
  scopes: string[];
  loginPath: string;
  failureRedirect?: string;
  session: ResolvedFeishuSessionOptions;
  /** As given; the module supplies the default store. */
  store?: FeishuTokenStore;
  tokenEndpoint: FeishuTokenEndpoint;
  tenantToken: Required<FeishuTenantTokenOptions>;
  pkce: boolean;
  bearer: { enabled: boolean; cacheTtlSeconds: number };
  strangerBudget: Required<FeishuStrangerBudgetOptions>;
  http: tokens.ResolvedFeishuHttpOptions;
  refresh: tokens.ResolvedFeishuRefreshOptions;
  /** Validated (every key decodes, see `parseEncryptionKeys`); the first encrypts. */
  encryption?: FeishuEncryptionOptions;
  events: FeishuEventOptions;
  clock: () => number;
  onTokenRefreshed?: (event: FeishuTokenRefreshEvent) => void;
  onTokenRefreshFailed?: (event: FeishuTokenRefreshFailedEvent) => void;
}

/**
 * Validates the options given to `FeishuAuthModule` and applies every default (from
 * `FEISHU_AUTH_DEFAULTS`). Throws `FeishuConfigError` naming the first bad option; a secret's value
 * never appears in it. Each concern is checked in `options/*.options.ts`, beside its sentences.
 */
export function resolveFeishuAuthOptions(
  options: FeishuAuthModuleOptions,
): ResolvedFeishuAuthOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw configError(
      'no options were given; pass at least { appId, appSecret, redirectUri, session: { secret } }.',
    );
  }
  const refresh = tokens.resolveRefresh(options.refresh);
  const tokenEndpoint = tokens.resolveTokenEndpoint(options.tokenEndpoint);
  const appType = app.resolveAppType(options.appType);
  const resolved: ResolvedFeishuAuthOptions = {
    appId: app.requireCredential(options.appId, 'appId'),
    appSecret: app.requireCredential(options.appSecret, 'appSecret'),
    appType,
    domain: app.resolveDomain(options.domain),
    redirectUri: app.resolveRedirectUri(options.redirectUri),
    scopes: app.resolveScopes(options.scopes),
    loginPath: app.resolveLocalPath(
      options.loginPath ?? FEISHU_AUTH_DEFAULTS.loginPath,
      'loginPath',
    ),
    failureRedirect:
      options.failureRedirect === undefined
        ? undefined
        : app.resolveLocalPath(options.failureRedirect, 'failureRedirect'),
    session: resolveSession(options.session),
    store: resolveStore(options.store),
    tokenEndpoint,
    tenantToken: tokens.resolveTenantToken(options.tenantToken, appType),
    pkce: tokens.resolvePkce(options.pkce, tokenEndpoint),
    bearer: tokens.resolveBearer(options.bearer),
    strangerBudget: tokens.resolveStrangerBudget(options.strangerBudget),
    http: tokens.resolveHttp(options.http),
    refresh,
    encryption: resolveEncryption(options.encryption),
    events: resolveEvents(options.events),
    clock: resolveCallback(options.clock, 'clock') ?? (() => Date.now()),
    onTokenRefreshed: resolveCallback(options.onTokenRefreshed, 'onTokenRefreshed'),
    onTokenRefreshFailed: resolveCallback(options.onTokenRefreshFailed, 'onTokenRefreshFailed'),
  };
  tokens.assertLeaseOutlivesOneRequest(resolved.refresh, resolved.http);
  if (resolved.appType === 'store') assertEventsAuthenticated(resolved, "appType: 'store'");
  return resolved;
}
