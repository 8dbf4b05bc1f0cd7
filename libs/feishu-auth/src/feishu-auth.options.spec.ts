import { describe, expect, it } from '@jest/globals';
import { FeishuConfigError } from './feishu-auth.errors.js';
import { resolveFeishuAuthOptions } from './feishu-auth.options.js';
import type { FeishuAuthModuleOptions } from './interfaces/feishu-auth-module-options.interface.js';
import { InMemoryTokenStore } from './storage/in-memory-token.store.js';
import { FEISHU_AUTH_DEFAULTS } from './options/feishu-auth.defaults.js';

const SECRET = 'super-secret-app-secret-value';
const SESSION_SECRET = 'session-secret-of-32-characters!';

function valid(overrides: Record<string, unknown> = {}): FeishuAuthModuleOptions {
  return {
    appId: 'cli_a1b2c3d4e5f6',
    appSecret: SECRET,
    redirectUri: 'https://example.com/auth/feishu/callback',
    session: { secret: SESSION_SECRET },
    ...overrides,
  } as FeishuAuthModuleOptions;
}

function configError(options: unknown): FeishuConfigError {
  try {
    resolveFeishuAuthOptions(options as FeishuAuthModuleOptions);
  } catch (error) {
    if (error instanceof FeishuConfigError) return error;
    throw error;
  }
  throw new Error('expected a FeishuConfigError');
}

describe('resolveFeishuAuthOptions', () => {
  it('should apply every default of FEISHU_AUTH_DEFAULTS to minimal options', () => {
    const resolved = resolveFeishuAuthOptions(valid());
    const { lockWaitBeyondLeaseMs, ...refresh } = FEISHU_AUTH_DEFAULTS.refresh;

    expect(resolved).toMatchObject({
      appType: FEISHU_AUTH_DEFAULTS.appType,
      domain: { open: 'https://open.feishu.cn', accounts: 'https://accounts.feishu.cn' },
      scopes: [...FEISHU_AUTH_DEFAULTS.scopes, 'offline_access'],
      loginPath: FEISHU_AUTH_DEFAULTS.loginPath,
      tokenEndpoint: FEISHU_AUTH_DEFAULTS.tokenEndpoint,
      tenantToken: FEISHU_AUTH_DEFAULTS.tenantToken,
      pkce: FEISHU_AUTH_DEFAULTS.pkce,
      bearer: FEISHU_AUTH_DEFAULTS.bearer,
      strangerBudget: FEISHU_AUTH_DEFAULTS.strangerBudget,
      http: FEISHU_AUTH_DEFAULTS.http,
      refresh: { ...refresh, lockWaitMs: refresh.lockLeaseMs + lockWaitBeyondLeaseMs },
      events: {},
    });
    expect(resolved.session).toMatchObject({
      secrets: [SESSION_SECRET],
      cookieName: FEISHU_AUTH_DEFAULTS.session.cookieName,
      ttlSeconds: FEISHU_AUTH_DEFAULTS.session.ttlSeconds,
      tokenTtlSeconds: FEISHU_AUTH_DEFAULTS.session.tokenTtlSeconds,
      sameSite: FEISHU_AUTH_DEFAULTS.session.sameSite,
    });
    expect(resolved.refresh.lockWaitMs).toBe(20_000);
    expect(resolved.store).toBeUndefined();
    expect(resolved.encryption).toBeUndefined();
  });

  it('should keep a store that implements FeishuTokenStore', () => {
    const store = new InMemoryTokenStore();

    expect(resolveFeishuAuthOptions(valid({ store })).store).toBe(store);
  });

  // One row per option: each reaches its check (options/*.options.spec.ts test the checks).
  it.each([
    ['appId', { appId: '' }],
    ['appSecret', { appSecret: undefined }],
    ['appType', { appType: 'isv' }],
    ['domain', { domain: 'feishu.cn' }],
    ['redirectUri', { redirectUri: '/callback' }],
    ['scopes', { scopes: 'contact' }],
    ['loginPath', { loginPath: 'https://evil.example/login' }],
    ['failureRedirect', { failureRedirect: 'https://evil.example/' }],
    ['session', { session: undefined }],
    ['session.secret', { session: { secret: 'short' } }],
    ['store', { store: { getToken: () => undefined } }],
    ['tokenEndpoint', { tokenEndpoint: 'v4' }],
    ['tenantToken.grant', { tenantToken: { grant: 'v3' } }],
    ['pkce', { pkce: 'on' }],
    ['bearer.cacheTtlSeconds', { bearer: { cacheTtlSeconds: -1 } }],
    ['strangerBudget.burst', { strangerBudget: { burst: 0 } }],
    ['http.timeoutMs', { http: { timeoutMs: 0 } }],
    ['refresh.lockLeaseMs', { refresh: { lockLeaseMs: 60000 } }],
    ['encryption.keys', { encryption: { keys: [] } }],
    ['events.encryptKey', { events: { encryptKey: '' } }],
    ['clock', { clock: 0 }],
    ['onTokenRefreshed', { onTokenRefreshed: 'log' }],
    ['onTokenRefreshFailed', { onTokenRefreshFailed: {} }],
  ])('should reject a bad %s with one message naming it', (name, overrides) => {
    const error = configError(valid(overrides));

    expect(error.message).toMatch(/^FeishuAuthModule: /);
    expect(error.message).toContain(`"${name}"`);
  });

  it.each([
    ['equal to the HTTP timeout', 5_000, 5_000, { lockLeaseMs: 5_000 }],
    ['left at its default under a longer HTTP timeout', 15_000, 20_000, undefined],
  ])(
    'should refuse a refresh lock lease %s, naming both options',
    (_case, leaseMs, timeoutMs, refresh) => {
      const error = configError(valid({ http: { timeoutMs }, refresh }));

      expect(error.message).toMatch(
        new RegExp(`^FeishuAuthModule: "refresh.lockLeaseMs" \\(${leaseMs} ms\\)`),
      );
      expect(error.message).toContain(`"http.timeoutMs" (${timeoutMs} ms)`);
    },
  );

  it('should never put a secret in the message', () => {
    const appSecret = 'app secret with whitespace';
    const sessionSecret = 'too-short-secret'.slice(0, 12);
    const key = 'c2hvcnQta2V5';

    expect(configError(valid({ appSecret })).message).not.toContain(appSecret);
    expect(configError(valid({ session: { secret: sessionSecret } })).message).not.toContain(
      sessionSecret,
    );
    expect(configError(valid({ encryption: { keys: [{ id: 'k1', key }] } })).message).not.toContain(
      key,
    );
  });

  it.each([undefined, null, [], 'options'])('should reject the options %j', (options) => {
    expect(configError(options).message).toMatch(/no options were given/);
  });

  it('should leave PKCE off on the v1-oidc token endpoint when pkce is not set', () => {
    expect(resolveFeishuAuthOptions(valid({ tokenEndpoint: 'v1-oidc' })).pkce).toBe(false);
    expect(configError(valid({ tokenEndpoint: 'v1-oidc', pkce: true })).message).toMatch(
      /"pkce: true"/,
    );
  });

  it.each([
    ['no events option', {}],
    ['empty events', { events: {} }],
  ])('should refuse a store app with %s, naming both events options', (_case, overrides) => {
    const error = configError(valid({ appType: 'store', ...overrides }));

    expect(error.message).toMatch(/^FeishuAuthModule: appType: 'store' receives Feishu events/);
    expect(error.message).toMatch(/"events.verificationToken" or "events.encryptKey"/);
  });

  it.each([
    ['a verification token', { verificationToken: 'vt-secret-value' }],
    ['an encrypt key', { encryptKey: 'ek-secret-value' }],
  ])('should accept a store app whose events carry %s', (_case, events) => {
    expect(resolveFeishuAuthOptions(valid({ appType: 'store', events })).appType).toBe('store');
  });
});
