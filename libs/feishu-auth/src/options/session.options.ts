import type { FeishuSessionOptions } from '../interfaces/feishu-auth-module-options.interface.js';
import { FEISHU_AUTH_DEFAULTS, FEISHU_AUTH_LIMITS } from './feishu-auth.defaults.js';
import { configError, integer, isObject, resolveChoice } from './option-values.util.js';

/** What every cookie the library sets has in common. */
export interface FeishuCookieAttributes {
  secure: boolean;
  sameSite: 'lax' | 'strict' | 'none';
  domain?: string;
}

/**
 * The name a cookie is sent under: `__Host-<name>` when Secure without a Domain (the browser then
 * refuses it from plain http, from a sub-domain and for another path), `__Secure-<name>` when
 * Secure with a Domain, the bare name otherwise (plain-http development).
 */
export function prefixedCookieName(name: string, attributes: FeishuCookieAttributes): string {
  if (!attributes.secure) return name;
  return attributes.domain === undefined ? `__Host-${name}` : `__Secure-${name}`;
}

/** The session options after validation, with every default applied. */
export interface ResolvedFeishuSessionOptions {
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
}

const DEFAULTS = FEISHU_AUTH_DEFAULTS.session;
/** RFC 6265 token characters. */
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export function resolveSession(value: unknown): ResolvedFeishuSessionOptions {
  if (!isObject(value)) {
    throw configError(
      '"session" is required: { secret: string | string[] } signs the session cookie.',
    );
  }
  const session = value as Partial<Record<keyof FeishuSessionOptions, unknown>>;
  const secrets = resolveSessionSecrets(session.secret);
  const secure = session.secure ?? DEFAULTS.secure;
  if (secure !== 'auto' && typeof secure !== 'boolean') {
    throw invalidField('secure', "true, false or 'auto'");
  }
  const sameSite = resolveChoice(
    session.sameSite,
    DEFAULTS.sameSite,
    ['lax', 'strict', 'none'],
    'session.sameSite',
  );
  const cookieName = session.cookieName ?? DEFAULTS.cookieName;
  if (typeof cookieName !== 'string' || !COOKIE_NAME.test(cookieName)) {
    throw invalidField('cookieName', 'a non-empty cookie name (letters, digits, - and _)');
  }
  if (
    session.domain !== undefined &&
    (typeof session.domain !== 'string' || session.domain.length === 0)
  ) {
    throw invalidField('domain', 'a non-empty host name');
  }
  const ttlSeconds = integer('session', 'ttlSeconds', session);
  const attributes: FeishuCookieAttributes = {
    secure: secure === 'auto' ? !isDevelopmentEnvironment() : secure,
    sameSite,
    domain: session.domain,
  };
  // Browsers drop a SameSite=None cookie that is not Secure: the login would fail at the callback.
  if (sameSite === 'none' && !attributes.secure) {
    throw configError(
      `"session.sameSite" 'none' requires "session.secure": true (browsers drop a SameSite=None ` +
        'cookie that is not Secure).',
    );
  }
  return {
    secrets,
    cookieName: prefixedCookieName(cookieName, attributes),
    loginCookieName: prefixedCookieName(`${cookieName}_login`, attributes),
    ttlSeconds,
    tokenTtlSeconds: Math.min(integer('session', 'tokenTtlSeconds', session), ttlSeconds),
    ...attributes,
  };
}

function invalidField(field: string, expected: string) {
  return configError(`"session.${field}" must be ${expected}.`);
}

/** One secret or a non-empty array of them, each long enough to sign cookies. */
function resolveSessionSecrets(value: unknown): string[] {
  if (!Array.isArray(value)) return [requireSecret(value)];
  if (value.length === 0) return [requireSecret(undefined)];
  return value.map((secret: unknown, index) => requireSecret(secret, index));
}

function requireSecret(secret: unknown, index?: number): string {
  const minLength = FEISHU_AUTH_LIMITS.minSessionSecretLength;
  if (typeof secret === 'string' && secret.length >= minLength) return secret;
  throw configError(
    `"session.secret${index === undefined ? '' : `[${index}]`}" must be a string of at least ` +
      `${minLength} characters (a random value, e.g. \`openssl rand -base64 32\`; an array ` +
      'rotates keys, the first one signs). Its value is not shown here.',
  );
}

function isDevelopmentEnvironment(): boolean {
  const env = process.env.NODE_ENV;
  return env === 'development' || env === 'test';
}
