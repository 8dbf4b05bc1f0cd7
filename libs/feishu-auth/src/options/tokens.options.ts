import type {
  FeishuAuthModuleOptions,
  FeishuHttpOptions,
  FeishuRefreshOptions,
  FeishuStrangerBudgetOptions,
  FeishuTenantTokenOptions,
  FeishuTokenEndpoint,
} from '../interfaces/feishu-auth-module-options.interface.js';
import { FEISHU_AUTH_DEFAULTS, FEISHU_AUTH_LIMITS } from './feishu-auth.defaults.js';
import { configError, integer, resolveBoolean, resolveChoice } from './option-values.util.js';

/** Every token endpoint family, with whether it takes a PKCE `code_verifier`. */
const TAKES_CODE_VERIFIER: Readonly<Record<FeishuTokenEndpoint, boolean>> = {
  v2: true,
  v3: true,
  'v1-oidc': false,
};

export type ResolvedFeishuHttpOptions = Required<FeishuHttpOptions>;
export type ResolvedFeishuRefreshOptions = Required<FeishuRefreshOptions>;
export function resolveTokenEndpoint(value: unknown): FeishuTokenEndpoint {
  const endpoints = Object.keys(TAKES_CODE_VERIFIER) as FeishuTokenEndpoint[];
  return resolveChoice(value, FEISHU_AUTH_DEFAULTS.tokenEndpoint, endpoints, 'tokenEndpoint');
}

/**
 * The legacy v1 OIDC token endpoint takes no `code_verifier`: PKCE is off there by default, and
 * asking for it is refused rather than sending a challenge nothing checks.
 */
export function resolvePkce(value: unknown, tokenEndpoint: FeishuTokenEndpoint): boolean {
  const takesVerifier = TAKES_CODE_VERIFIER[tokenEndpoint];
  const pkce = resolveBoolean(value, FEISHU_AUTH_DEFAULTS.pkce && takesVerifier, 'pkce');
  if (pkce && !takesVerifier) {
    throw configError(
      `"pkce: true" cannot be kept with "tokenEndpoint: '${tokenEndpoint}'": the legacy endpoint ` +
        'takes no code_verifier, so the challenge would protect nothing. Use tokenEndpoint ' +
        `'${FEISHU_AUTH_DEFAULTS.tokenEndpoint}' (default) or 'v3', or set pkce: false.`,
    );
  }
  return pkce;
}

export function resolveTenantToken(
  value: FeishuTenantTokenOptions | undefined,
  appType: 'self-built' | 'store',
): Required<FeishuTenantTokenOptions> {
  const defaults = FEISHU_AUTH_DEFAULTS.tenantToken;
  const grant = resolveChoice(
    value?.grant,
    defaults.grant,
    ['internal', 'client_credentials'],
    'tenantToken.grant',
  );
  const clientAuth = resolveChoice(
    value?.clientAuth,
    defaults.clientAuth,
    ['client_secret_post', 'client_secret_basic'],
    'tenantToken.clientAuth',
  );
  if (grant === 'client_credentials' && appType !== 'self-built') {
    throw configError(
      `"tenantToken.grant" 'client_credentials' is for self-built apps; store apps get tenant ` +
        'tokens through app_ticket and tenant_key.',
    );
  }
  return { grant, clientAuth };
}

export function resolveBearer(value: FeishuAuthModuleOptions['bearer']): {
  enabled: boolean;
  cacheTtlSeconds: number;
} {
  return {
    enabled: resolveBoolean(value?.enabled, FEISHU_AUTH_DEFAULTS.bearer.enabled, 'bearer.enabled'),
    cacheTtlSeconds: integer('bearer', 'cacheTtlSeconds', value),
  };
}

export function resolveStrangerBudget(
  value: FeishuStrangerBudgetOptions | undefined,
): Required<FeishuStrangerBudgetOptions> {
  return {
    burst: integer('strangerBudget', 'burst', value),
    perMinute: integer('strangerBudget', 'perMinute', value),
    maxClients: integer('strangerBudget', 'maxClients', value),
  };
}

export function resolveHttp(value: FeishuAuthModuleOptions['http']): ResolvedFeishuHttpOptions {
  return {
    timeoutMs: integer('http', 'timeoutMs', value),
    retries: integer('http', 'retries', value),
    retryBaseDelayMs: integer('http', 'retryBaseDelayMs', value),
    retryMaxDelayMs: integer('http', 'retryMaxDelayMs', value),
  };
}

export function resolveRefresh(
  value: FeishuAuthModuleOptions['refresh'],
): ResolvedFeishuRefreshOptions {
  const defaults = FEISHU_AUTH_DEFAULTS.refresh;
  const lockLeaseMs = integer('refresh', 'lockLeaseMs', value);
  return {
    intervalMs: integer('refresh', 'intervalMs', value),
    appTokenMarginSeconds: integer('refresh', 'appTokenMarginSeconds', value),
    userTokenMarginSeconds: integer('refresh', 'userTokenMarginSeconds', value),
    proactiveUserRefresh: resolveBoolean(
      value?.proactiveUserRefresh,
      defaults.proactiveUserRefresh,
      'refresh.proactiveUserRefresh',
    ),
    maxRefreshesPerSecond: integer('refresh', 'maxRefreshesPerSecond', value),
    lockLeaseMs,
    lockWaitMs: integer(
      'refresh',
      'lockWaitMs',
      value,
      lockLeaseMs + defaults.lockWaitBeyondLeaseMs,
    ),
  };
}

/**
 * A user's refresh is sent once (its refresh token is single use) under the refresh lock: should
 * that one request outlive the lease, a second instance could spend the same refresh token.
 */
export function assertLeaseOutlivesOneRequest(
  { lockLeaseMs }: ResolvedFeishuRefreshOptions,
  { timeoutMs }: ResolvedFeishuHttpOptions,
): void {
  if (lockLeaseMs > timeoutMs) return;
  throw configError(
    `"refresh.lockLeaseMs" (${lockLeaseMs} ms) must be greater than "http.timeoutMs" ` +
      `(${timeoutMs} ms): a user's refresh runs under the lock, and one that outlives the lease ` +
      'lets a second instance spend the same single-use refresh token, which signs the user out. ' +
      `Raise refresh.lockLeaseMs (at most ${FEISHU_AUTH_LIMITS.refresh.lockLeaseMs.max}) or lower ` +
      'http.timeoutMs.',
  );
}
