import { describe, expect, it } from '@jest/globals';
import { FeishuConfigError } from '../feishu-auth.errors.js';
import { FEISHU_AUTH_DEFAULTS } from './feishu-auth.defaults.js';
import {
  assertLeaseOutlivesOneRequest,
  resolveBearer,
  resolveHttp,
  resolvePkce,
  resolveRefresh,
  resolveStrangerBudget,
  resolveTenantToken,
  resolveTokenEndpoint,
} from './tokens.options.js';

describe('token options', () => {
  it('should derive the default lock wait from the lease it is given', () => {
    expect(resolveRefresh({ lockLeaseMs: 20_000 }).lockWaitMs).toBe(
      20_000 + FEISHU_AUTH_DEFAULTS.refresh.lockWaitBeyondLeaseMs,
    );
    expect(resolveRefresh({ lockLeaseMs: 20_000, lockWaitMs: 0 }).lockWaitMs).toBe(0);
  });

  it.each([
    [
      'tokenEndpoint',
      () => resolveTokenEndpoint('v4'),
      /"tokenEndpoint" must be 'v2' \(default\), 'v3' or 'v1-oidc'/,
    ],
    [
      'tenantToken.grant',
      () => resolveTenantToken({ grant: 'v3' as 'internal' }, 'self-built'),
      /"tenantToken.grant" must be 'internal' \(default\) or 'client_credentials'/,
    ],
    [
      'tenantToken.clientAuth',
      () =>
        resolveTenantToken(
          { grant: 'client_credentials', clientAuth: 'both' as 'client_secret_post' },
          'self-built',
        ),
      /"tenantToken.clientAuth" must be 'client_secret_post' \(default\) or 'client_secret_basic'/,
    ],
    [
      'tenantToken.grant of a store app',
      () => resolveTenantToken({ grant: 'client_credentials' }, 'store'),
      /'client_credentials' is for self-built apps/,
    ],
    ['pkce', () => resolvePkce('yes', 'v2'), /"pkce" must be true or false/],
  ])('should reject a bad %s with one message naming it', (_name, resolve, message) => {
    expect(resolve).toThrow(FeishuConfigError);
    expect(resolve).toThrow(message);
    expect(resolve).toThrow(/^FeishuAuthModule: /);
  });

  const groups = {
    bearer: resolveBearer,
    strangerBudget: resolveStrangerBudget,
    http: resolveHttp,
    refresh: resolveRefresh,
  } as const;

  it.each([
    ['bearer.enabled', 1, 'true or false'],
    ['bearer.cacheTtlSeconds', -1, 'an integer >= 0'],
    ['strangerBudget.burst', 0, 'an integer >= 1'],
    ['strangerBudget.perMinute', 0.5, 'an integer >= 1'],
    ['strangerBudget.maxClients', -1, 'an integer >= 1'],
    ['http.timeoutMs', 0, 'an integer >= 1'],
    ['http.retries', 1.5, 'an integer between 0 and 10'],
    ['http.retries', 11, 'an integer between 0 and 10'],
    ['http.retryBaseDelayMs', -1, 'an integer >= 0'],
    ['http.retryMaxDelayMs', '2s', 'an integer >= 0'],
    ['refresh.intervalMs', 9, 'an integer >= 10'],
    ['refresh.appTokenMarginSeconds', -1, 'an integer >= 0'],
    ['refresh.userTokenMarginSeconds', 1.5, 'an integer >= 0'],
    ['refresh.proactiveUserRefresh', 'no', 'true or false'],
    ['refresh.maxRefreshesPerSecond', 100, 'an integer between 1 and 50'],
    ['refresh.lockLeaseMs', 60000, 'an integer between 1 and 30000'],
    ['refresh.lockWaitMs', -1, 'an integer >= 0'],
  ] as const)('should refuse %s = %j: it must be %s', (option, value, expected) => {
    const [group, name] = option.split('.') as [keyof typeof groups, string];
    const resolve = () => groups[group]({ [name]: value });

    expect(resolve).toThrow(FeishuConfigError);
    expect(resolve).toThrow(`FeishuAuthModule: "${option}" must be ${expected}.`);
  });

  it.each([
    ['equal to the HTTP timeout', 5_000, 5_000],
    ['shorter than the HTTP timeout', 2_000, 5_000],
  ])(
    'should refuse a refresh lock lease %s, naming both options',
    (_case, lockLeaseMs, timeoutMs) => {
      expect(() =>
        assertLeaseOutlivesOneRequest(resolveRefresh({ lockLeaseMs }), resolveHttp({ timeoutMs })),
      ).toThrow(
        `FeishuAuthModule: "refresh.lockLeaseMs" (${lockLeaseMs} ms) must be greater than ` +
          `"http.timeoutMs" (${timeoutMs} ms): a user's refresh runs under the lock, and one that ` +
          'outlives the lease lets a second instance spend the same single-use refresh token, which ' +
          'signs the user out. Raise refresh.lockLeaseMs (at most 30000) or lower http.timeoutMs.',
      );
    },
  );

  it('should accept a refresh lock lease longer than the HTTP timeout', () => {
    expect(() =>
      assertLeaseOutlivesOneRequest(
        resolveRefresh({ lockLeaseMs: 5_001 }),
        resolveHttp({ timeoutMs: 5_000 }),
      ),
    ).not.toThrow();
  });

  it('should refuse pkce: true with the v1-oidc token endpoint, which takes no verifier', () => {
    expect(() => resolvePkce(true, 'v1-oidc')).toThrow(
      /"pkce: true".*"tokenEndpoint: 'v1-oidc'".*tokenEndpoint 'v2'.*pkce: false/,
    );
  });

  it.each([
    ['v1-oidc', undefined, false],
    ['v1-oidc', false, false],
    ['v2', undefined, true],
    ['v3', undefined, true],
    ['v3', false, false],
  ] as const)('should resolve PKCE on %s given %s to %s', (endpoint, pkce, resolved) => {
    expect(resolvePkce(pkce, endpoint)).toBe(resolved);
  });

  it.each([
    [undefined, { grant: 'internal', clientAuth: 'client_secret_post' }],
    [
      { grant: 'client_credentials', clientAuth: 'client_secret_basic' },
      { grant: 'client_credentials', clientAuth: 'client_secret_basic' },
    ],
  ] as const)(
    'should resolve the tenant token options %j of a self-built app',
    (given, resolved) => {
      expect(resolveTenantToken(given, 'self-built')).toEqual(resolved);
    },
  );
});
