import { FeishuConfigError } from './feishu-auth.errors.js';
import { resolveFeishuAuthOptions } from './feishu-auth.options.js';
import type { FeishuAuthModuleOptions } from './interfaces/feishu-auth-module-options.interface.js';

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
  it('should apply every default to minimal options', () => {
    const resolved = resolveFeishuAuthOptions(valid());

    expect(resolved.appType).toBe('self-built');
    expect(resolved.domain).toEqual({
      open: 'https://open.feishu.cn',
      accounts: 'https://accounts.feishu.cn',
    });
    expect(resolved.scopes).toEqual(['offline_access']);
    expect(resolved.loginPath).toBe('/auth/feishu/login');
    expect(resolved.tokenEndpoint).toBe('v2');
    expect(resolved.tenantToken).toEqual({ grant: 'internal', clientAuth: 'client_secret_post' });
    expect(resolved.session).toMatchObject({
      secrets: [SESSION_SECRET],
      cookieName: 'feishu_session',
      ttlSeconds: 604800,
      tokenTtlSeconds: 7200,
    });
    expect(resolved.strangerBudget).toEqual({ burst: 100, perMinute: 60, maxClients: 10000 });
    expect(resolved.http).toEqual({
      timeoutMs: 10000,
      retries: 2,
      retryBaseDelayMs: 200,
      retryMaxDelayMs: 2000,
    });
    expect(resolved.refresh).toEqual({
      intervalMs: 30000,
      appTokenMarginSeconds: 1800,
      userTokenMarginSeconds: 300,
      proactiveUserRefresh: true,
      maxRefreshesPerSecond: 20,
      lockLeaseMs: 15000,
      lockWaitMs: 20000,
    });
  });

  it('should resolve the lark brand and explicit base URLs without trailing slashes', () => {
    expect(resolveFeishuAuthOptions(valid({ domain: 'lark' })).domain).toEqual({
      open: 'https://open.larksuite.com',
      accounts: 'https://accounts.larksuite.com',
    });
    expect(
      resolveFeishuAuthOptions(
        valid({ domain: { open: 'http://127.0.0.1:4000/', accounts: 'http://127.0.0.1:4000' } }),
      ).domain,
    ).toEqual({ open: 'http://127.0.0.1:4000', accounts: 'http://127.0.0.1:4000' });
  });

  it('should add offline_access to the scopes once', () => {
    expect(
      resolveFeishuAuthOptions(valid({ scopes: ['contact:user.email:readonly', 'offline_access'] }))
        .scopes,
    ).toEqual(['contact:user.email:readonly', 'offline_access']);
  });

  it.each([
    ['appId', { appId: '' }, /"appId".*cli_/],
    ['appId', { appId: 'cli with space' }, /"appId"/],
    ['appSecret', { appSecret: undefined }, /"appSecret"/],
    ['appType', { appType: 'isv' }, /"appType" must be 'self-built' or 'store'/],
    [
      'redirectUri',
      { redirectUri: '/callback' },
      /"redirectUri" must be an absolute http\(s\) URL/,
    ],
    ['redirectUri', { redirectUri: 'ftp://example.com/cb' }, /"redirectUri"/],
    ['redirectUri', { redirectUri: 'https://example.com/cb#x' }, /"redirectUri"/],
    ['domain', { domain: 'feishu.cn' }, /"domain" must be 'feishu', 'lark'/],
    ['domain', { domain: { open: 'http://x' } }, /"domain"/],
    ['scopes', { scopes: ['a b'] }, /"scopes"/],
    ['scopes', { scopes: 'contact' }, /"scopes"/],
    ['session', { session: undefined }, /"session" is required/],
    [
      'session.secret',
      { session: { secret: 'short' } },
      /"session.secret" must be a string of at least 32/,
    ],
    [
      'session.secret of 31 characters',
      { session: { secret: SESSION_SECRET.slice(0, 31) } },
      /"session.secret" must be a string of at least 32/,
    ],
    [
      'session.sameSite none without Secure',
      { session: { secret: SESSION_SECRET, sameSite: 'none', secure: false } },
      /"session.sameSite" 'none' requires "session.secure": true/,
    ],
    [
      'session.secret[1]',
      { session: { secret: [SESSION_SECRET, 'short'] } },
      /"session.secret\[1\]"/,
    ],
    ['session.secure', { session: { secret: SESSION_SECRET, secure: 'yes' } }, /"session.secure"/],
    [
      'session.tokenTtlSeconds',
      { session: { secret: SESSION_SECRET, tokenTtlSeconds: 0 } },
      /"session.tokenTtlSeconds" must be an integer >= 1/,
    ],
    ['http.timeoutMs', { http: { timeoutMs: 0 } }, /"http.timeoutMs" must be an integer >= 1/],
    [
      'http.retries',
      { http: { retries: 1.5 } },
      /"http.retries" must be an integer between 0 and 10/,
    ],
    [
      'strangerBudget.burst',
      { strangerBudget: { burst: 0 } },
      /"strangerBudget.burst" must be an integer >= 1/,
    ],
    [
      'strangerBudget.perMinute',
      { strangerBudget: { perMinute: 0.5 } },
      /"strangerBudget.perMinute" must be an integer >= 1/,
    ],
    [
      'strangerBudget.maxClients',
      { strangerBudget: { maxClients: -1 } },
      /"strangerBudget.maxClients" must be an integer >= 1/,
    ],
    [
      'refresh.maxRefreshesPerSecond',
      { refresh: { maxRefreshesPerSecond: 100 } },
      /between 1 and 50/,
    ],
    ['refresh.lockLeaseMs', { refresh: { lockLeaseMs: 60000 } }, /"refresh.lockLeaseMs"/],
    ['tokenEndpoint', { tokenEndpoint: 'v4' }, /"tokenEndpoint"/],
    ['loginPath', { loginPath: 'https://evil.example/login' }, /"loginPath" must be a local path/],
    ['encryption', { encryption: { keys: [] } }, /"encryption.keys" must be a non-empty array/],
    [
      'encryption key',
      { encryption: { keys: [{ id: 'k1', key: 'not-32-bytes' }] } },
      /\[0\]\.key is not 32 bytes/,
    ],
    ['store', { store: { getToken: () => undefined } }, /"store" must implement FeishuTokenStore/],
    ['events.encryptKey', { events: { encryptKey: '' } }, /"events.encryptKey"/],
    ['onTokenRefreshed', { onTokenRefreshed: 'log' }, /"onTokenRefreshed" must be a function/],
    [
      'tenantToken.grant',
      { tenantToken: { grant: 'v3' as 'internal' } },
      /"tenantToken.grant" must be 'internal' \(default\) or 'client_credentials'/,
    ],
    [
      'tenantToken.clientAuth',
      { tenantToken: { grant: 'client_credentials', clientAuth: 'both' as 'client_secret_post' } },
      /"tenantToken.clientAuth" must be 'client_secret_post' \(default\) or 'client_secret_basic'/,
    ],
    [
      'tenantToken.grant of a store app',
      { appType: 'store', tenantToken: { grant: 'client_credentials' } },
      /'client_credentials' is for self-built apps/,
    ],
  ])('should reject a bad %s with one message naming it', (_name, overrides, message) => {
    const error = configError(valid(overrides));

    expect(error.message).toMatch(message);
    expect(error.message).toMatch(/^FeishuAuthModule: /);
  });

  it.each([
    ['equal to the HTTP timeout', 5_000, 5_000, { lockLeaseMs: 5_000 }],
    ['shorter than the HTTP timeout', 2_000, 5_000, { lockLeaseMs: 2_000 }],
    ['left at its default under a longer HTTP timeout', 15_000, 20_000, undefined],
  ])(
    'should refuse a refresh lock lease %s, naming both options',
    (_case, leaseMs, timeoutMs, refresh) => {
      const error = configError(valid({ http: { timeoutMs }, refresh }));

      expect(error.message).toBe(
        `FeishuAuthModule: "refresh.lockLeaseMs" (${leaseMs} ms) must be greater than ` +
          `"http.timeoutMs" (${timeoutMs} ms): a user's refresh runs under the lock, and one that ` +
          'outlives the lease lets a second instance spend the same single-use refresh token, which ' +
          'signs the user out. Raise refresh.lockLeaseMs (at most 30000) or lower http.timeoutMs.',
      );
    },
  );

  it('should accept a refresh lock lease longer than the HTTP timeout', () => {
    const resolved = resolveFeishuAuthOptions(
      valid({ http: { timeoutMs: 5_000 }, refresh: { lockLeaseMs: 5_001 } }),
    );

    expect(resolved.refresh.lockLeaseMs).toBe(5_001);
  });

  it('should keep session tokens no longer than the session', () => {
    const resolved = resolveFeishuAuthOptions(
      valid({ session: { secret: SESSION_SECRET, ttlSeconds: 600, tokenTtlSeconds: 3600 } }),
    );

    expect(resolved.session.tokenTtlSeconds).toBe(600);
  });

  it.each([
    [{ secure: false }, 'feishu_session', 'feishu_session_login'],
    [{ secure: true }, '__Host-feishu_session', '__Host-feishu_session_login'],
    [
      { secure: true, domain: 'example.com' },
      '__Secure-feishu_session',
      '__Secure-feishu_session_login',
    ],
    [{ secure: true, cookieName: 'sid' }, '__Host-sid', '__Host-sid_login'],
  ])('should name the cookies for %j: %s and %s', (session, cookieName, loginCookieName) => {
    const resolved = resolveFeishuAuthOptions(
      valid({ session: { secret: SESSION_SECRET, ...session } }),
    );
    expect(resolved.session).toMatchObject({ cookieName, loginCookieName });
  });

  it('should accept sameSite none with Secure', () => {
    const resolved = resolveFeishuAuthOptions(
      valid({ session: { secret: SESSION_SECRET, sameSite: 'none', secure: true } }),
    );
    expect(resolved.session).toMatchObject({ sameSite: 'none', secure: true });
  });

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

  it('should reject missing options', () => {
    expect(configError(undefined).message).toMatch(/no options were given/);
  });

  it('should refuse pkce: true with the v1-oidc token endpoint, which takes no verifier', () => {
    const error = configError(valid({ tokenEndpoint: 'v1-oidc', pkce: true }));

    expect(error.message).toMatch(/"pkce: true".*"tokenEndpoint: 'v1-oidc'"/);
    expect(error.message).toMatch(/tokenEndpoint 'v2'.*pkce: false/);
  });

  it('should leave PKCE off on the v1-oidc token endpoint when pkce is not set, and on elsewhere', () => {
    expect(resolveFeishuAuthOptions(valid({ tokenEndpoint: 'v1-oidc' })).pkce).toBe(false);
    expect(resolveFeishuAuthOptions(valid({ tokenEndpoint: 'v3' })).pkce).toBe(true);
    expect(resolveFeishuAuthOptions(valid()).pkce).toBe(true);
  });

  it.each([
    ['no events option', {}],
    ['empty events', { events: {} }],
  ])('should refuse a store app with %s, naming both events options', (_case, overrides) => {
    const error = configError(valid({ appType: 'store', ...overrides }));

    expect(error.message).toMatch(/"events.verificationToken" or "events.encryptKey"/);
    expect(error.message).toMatch(/^FeishuAuthModule: /);
  });

  it.each([
    ['a verification token', { verificationToken: 'vt-secret-value' }],
    ['an encrypt key', { encryptKey: 'ek-secret-value' }],
  ])('should accept a store app whose events carry %s', (_case, events) => {
    expect(resolveFeishuAuthOptions(valid({ appType: 'store', events })).appType).toBe('store');
  });

  it('should accept a 32-byte key in hex or base64', () => {
    const hex = 'ab'.repeat(32);
    const base64 = Buffer.alloc(32, 7).toString('base64');

    expect(
      resolveFeishuAuthOptions(
        valid({
          encryption: {
            keys: [
              { id: 'a', key: hex },
              { id: 'b', key: base64 },
            ],
          },
        }),
      ).encryption?.keys,
    ).toHaveLength(2);
  });
});
