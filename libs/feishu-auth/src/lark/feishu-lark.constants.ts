/** Injection token of the official SDK's `Client` that `FeishuLarkModule` provides. */
export const LARK_CLIENT = Symbol('FEISHU_AUTH:LARK_CLIENT');

/** Injection token of the options given to `FeishuLarkModule.forRoot` / `forRootAsync`. */
export const FEISHU_LARK_OPTIONS = Symbol('FEISHU_AUTH:LARK_OPTIONS');

/** The SDK's cache key prefix of a store app's tenant token: `larkMarketAccessToken<tenantKey>`. */
export const LARK_MARKET_TOKEN_PREFIX = 'larkMarketAccessToken';

/** How many tokens the SDK client remembers the origin of (to drop and renew a rejected one). */
export const LARK_TOKEN_ORIGINS_MAX = 10_000;

/**
 * What the SDK client reads for its app_ticket (`CAppTicket`): it asks Feishu to resend one at
 * construction when the read is empty, and uses it only to fetch tokens, which `TokenService`
 * answers. App tickets stay `FeishuAuthModule`'s (it asks for a resend when it needs one).
 */
export const LARK_APP_TICKET_MANAGED = 'managed-by-feishu-auth';
