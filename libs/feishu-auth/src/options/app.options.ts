import type { FeishuDomain } from '../interfaces/feishu-auth-module-options.interface.js';
import { FEISHU_AUTH_DEFAULTS, FEISHU_AUTH_LIMITS } from './feishu-auth.defaults.js';
import { configError, isHttpUrl, isObject, resolveChoice } from './option-values.util.js';

/** Base URLs of one brand. */
export interface FeishuBaseUrls {
  /** OpenAPI host, e.g. `https://open.feishu.cn` (no trailing slash). */
  open: string;
  /** Accounts / OAuth host, e.g. `https://accounts.feishu.cn` (no trailing slash). */
  accounts: string;
}

const BRANDS: Record<'feishu' | 'lark', FeishuBaseUrls> = {
  feishu: { open: 'https://open.feishu.cn', accounts: 'https://accounts.feishu.cn' },
  lark: { open: 'https://open.larksuite.com', accounts: 'https://accounts.larksuite.com' },
};

/** `appId` or `appSecret`: what the developer console shows, a non-empty string without spaces. */
export function requireCredential(value: unknown, option: 'appId' | 'appSecret'): string {
  if (typeof value === 'string' && value.length > 0 && !/\s/.test(value)) return value;
  throw configError(
    option === 'appId'
      ? '"appId" must be a non-empty string without whitespace (Feishu app ids look like ' +
          '"cli_a1b2c3d4e5f6"; copy it from the developer console, Credentials & Basic Info).'
      : '"appSecret" must be a non-empty string without whitespace (the App Secret from the ' +
          'developer console, Credentials & Basic Info). Its value is not shown here.',
  );
}

export function resolveAppType(value: unknown): 'self-built' | 'store' {
  return resolveChoice(value, FEISHU_AUTH_DEFAULTS.appType, ['self-built', 'store'], 'appType');
}

/** Resolves `domain` to two base URLs; the only place that knows Feishu's and Lark's hosts. */
export function resolveDomain(value: FeishuDomain | undefined): FeishuBaseUrls {
  const domain = value ?? FEISHU_AUTH_DEFAULTS.domain;
  if (domain === 'feishu' || domain === 'lark') return { ...BRANDS[domain] };
  if (isObject(domain) && isHttpUrl(domain.open) && isHttpUrl(domain.accounts)) {
    return { open: stripTrailingSlash(domain.open), accounts: stripTrailingSlash(domain.accounts) };
  }
  throw configError(
    `"domain" must be 'feishu', 'lark' or { open: string; accounts: string } with absolute ` +
      "http(s) base URLs (e.g. the emulator's { open: emulator.url, accounts: emulator.url }).",
  );
}

function stripTrailingSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

export function resolveRedirectUri(value: unknown): string {
  if (isHttpUrl(value) && new URL(value).hash === '' && !value.includes('#')) return value;
  throw configError(
    '"redirectUri" must be an absolute http(s) URL without a fragment, e.g. ' +
      '"https://example.com/auth/feishu/callback", and registered as a redirect URL in the ' +
      'developer console (Security Settings).',
  );
}

/** The extra scopes plus `offline_access`, once each. */
export function resolveScopes(value: unknown): string[] {
  const scopes = value ?? FEISHU_AUTH_DEFAULTS.scopes;
  const valid =
    Array.isArray(scopes) &&
    scopes.length <= FEISHU_AUTH_LIMITS.maxExtraScopes &&
    scopes.every((scope) => typeof scope === 'string' && scope.length > 0 && !/\s/.test(scope));
  if (!valid) {
    throw configError(
      `"scopes" must be an array of at most ${FEISHU_AUTH_LIMITS.maxExtraScopes} non-empty scope ` +
        'strings without whitespace (e.g. ["contact:user.email:readonly"]); "offline_access" is ' +
        'added for you.',
    );
  }
  return [...new Set([...(scopes as string[]), 'offline_access'])];
}

/** `loginPath` or `failureRedirect`: a path on this app, never another host. */
export function resolveLocalPath(value: unknown, option: 'loginPath' | 'failureRedirect'): string {
  if (typeof value === 'string' && value.startsWith('/') && !value.startsWith('//')) return value;
  throw configError(
    `"${option}" must be a local path starting with "/" (e.g. "${FEISHU_AUTH_DEFAULTS.loginPath}").`,
  );
}
