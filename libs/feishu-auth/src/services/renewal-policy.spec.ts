import type {
  FeishuCachedToken,
  FeishuUserTokenRecord,
} from '../interfaces/feishu-token-store.interface.js';
import {
  appTokenDueAt,
  appTokenLeewayMs,
  cachedTokenOf,
  isServable,
  isUserTokenDue,
  isUserTokenExpired,
  mustWaitForUserToken,
  nextAppRenewalAt,
  type RenewalOptions,
  retryAfterFailureAt,
  schedulerLeadMs,
  userRecordTtlSeconds,
  userTokenDueAt,
} from './renewal-policy.js';

const S = 1_000;
const DAY = 24 * 3600 * S;

/** The defaults: 30 min margin for app tokens (Feishu's reuse window), 5 min for users, 30 s ticks. */
const DEFAULTS: RenewalOptions = {
  appTokenMarginSeconds: 1_800,
  userTokenMarginSeconds: 300,
  intervalMs: 30 * S,
};
const margins = (app: number, user = 300, intervalMs = 30 * S): RenewalOptions => ({
  appTokenMarginSeconds: app,
  userTokenMarginSeconds: user,
  intervalMs,
});

const user = (fields: Partial<FeishuUserTokenRecord>): FeishuUserTokenRecord => ({
  appId: 'cli_1',
  openId: 'ou_1',
  tenantKey: 't_1',
  accessToken: 'u-access',
  accessTokenExpiresAt: 7_200 * S,
  refreshToken: 'ur-refresh',
  issuer: 'v2',
  updatedAt: 0,
  ...fields,
});

describe('renewal policy', () => {
  describe('appTokenLeewayMs', () => {
    it.each([
      [1_800, 30 * S],
      [60, 30 * S],
      [10, 5 * S],
      [1, 500],
    ])(
      'should stop serving an app token with a %p s margin %p ms before it expires',
      (margin, leeway) => {
        expect(appTokenLeewayMs(margins(margin))).toBe(leeway);
      },
    );
  });

  describe('isServable', () => {
    const token: FeishuCachedToken = { token: 't', expiresAt: 100 * S };
    it.each([
      [69 * S, true],
      [70 * S - 1, true],
      [70 * S, false],
      [100 * S, false],
    ])('should serve a token expiring at 100 s at %p ms: %p', (now, servable) => {
      expect(isServable(token, now, DEFAULTS)).toBe(servable);
    });
  });

  describe('cachedTokenOf', () => {
    it.each([
      // startedAt, finishedAt, expire s, same token, margin s → expiresAt, renewAt
      [0, 100, 7_200, false, 1_800, 7_200 * S, 7_200 * S + 100 - 1_800 * S + 5 * S],
      [0, 100, 7_200, true, 1_800, 7_200 * S, 7_200 * S + 100 + S - 1_800 * S + 5 * S],
      [0, 400, 4, false, 1, 4 * S, 400 + 4 * S - S + 10],
      [0, 400, 4, true, 1, 4 * S, 400 + 4 * S + S - S + 10],
    ])(
      'should cache an answer sent at %p, received at %p with expire %p (same token %p, margin %p s) as expiring at %p and renewed at %p',
      (startedAt, finishedAt, expire, sameToken, margin, expiresAt, renewAt) => {
        const answer = { token: 't', expire, startedAt, finishedAt };
        expect(cachedTokenOf(answer, sameToken, margins(margin))).toEqual({
          token: 't',
          expiresAt,
          renewAt,
        });
      },
    );
  });

  describe('appTokenDueAt', () => {
    it.each([
      ['its renewAt', { expiresAt: 7_200 * S, renewAt: 5_405 * S }, DEFAULTS, 5_405 * S],
      [
        'the margin plus the rounding without renewAt (a store that drops it)',
        { expiresAt: 7_200 * S },
        DEFAULTS,
        5_400 * S + S,
      ],
      [
        'the leeway edge when renewAt is later (margins shorter than the rounding)',
        { expiresAt: 4 * S, renewAt: 4_410 },
        margins(1),
        3_500,
      ],
    ])('should make a token due at %s', (_, token, options, dueAt) => {
      expect(appTokenDueAt({ token: 't', ...token }, options)).toBe(dueAt);
    });
  });

  describe('nextAppRenewalAt', () => {
    const token: FeishuCachedToken = { token: 't', expiresAt: 7_200 * S, renewAt: 5_405 * S };
    it.each([
      ['at its due time while that is ahead', 0, 5_405 * S],
      ['1 s later when the due time has passed', 6_000 * S, 6_001 * S],
      ['sooner near the leeway edge', 7_169 * S, 7_169 * S + 500],
      ['at once past the leeway edge', 7_180 * S, 7_180 * S],
    ])('should look at a cached token again %s', (_, now, checkAt) => {
      expect(nextAppRenewalAt(token, now, DEFAULTS)).toBe(checkAt);
    });
  });

  describe('user tokens', () => {
    const record = user({ accessTokenExpiresAt: 600 * S });

    it.each([
      [DEFAULTS, 300 * S],
      [margins(1_800, 60), 540 * S],
    ])('should make a user token due the margin before it expires (%p)', (options, dueAt) => {
      expect(userTokenDueAt(record, options)).toBe(dueAt);
    });

    it.each([
      ['not due before the margin', 300 * S - 1, 0, false],
      ['due at the margin', 300 * S, 0, true],
      ['due one scheduler lead earlier for the scheduler', 270 * S, 30 * S, true],
    ])('should find a token expiring at 600 s %s', (_, now, lead, due) => {
      expect(isUserTokenDue(record, now, DEFAULTS, lead)).toBe(due);
    });

    it.each([
      ['one tick when ticks are shorter than the margin', margins(1_800, 300, 30 * S), 30 * S],
      ['one margin when ticks are longer', margins(1_800, 300, 3_600 * S), 300 * S],
    ])('should let the scheduler lead by %s', (_, options, lead) => {
      expect(schedulerLeadMs(options)).toBe(lead);
    });

    it.each([
      ['200 s left, margin 300 s', 400 * S, DEFAULTS, false],
      ['60 s left, margin 300 s (the 60 s floor)', 540 * S, DEFAULTS, true],
      ['61 s left, margin 300 s', 539 * S, DEFAULTS, false],
      ['30 s left, margin 60 s (half the margin)', 570 * S, margins(1_800, 60), true],
      ['31 s left, margin 60 s', 569 * S, margins(1_800, 60), false],
    ])('should make a caller wait with %s: %p', (_, now, options, wait) => {
      expect(mustWaitForUserToken(record, now, options)).toBe(wait);
    });

    it.each([
      [600 * S - 1, false],
      [600 * S, true],
    ])('should count a token expiring at 600 s expired at %p: %p', (now, expired) => {
      expect(isUserTokenExpired(record, now)).toBe(expired);
    });

    it.each([
      ['the refresh token’s lifetime', { refreshTokenExpiresAt: 30 * DAY }, 30 * 24 * 3600],
      ['a year past the access token without a stated refresh lifetime', {}, 600 + 365 * 24 * 3600],
      ['the access token’s lifetime without a refresh token', { refreshToken: undefined }, 600],
      ['at least 60 s', { refreshToken: undefined, accessTokenExpiresAt: 10 * S }, 60],
    ])('should keep a user’s record for %s', (_, fields, ttlSeconds) => {
      const stored = user({ accessTokenExpiresAt: 600 * S, ...fields });
      expect(userRecordTtlSeconds(stored, 0)).toBe(ttlSeconds);
    });
  });

  describe('retryAfterFailureAt', () => {
    it.each([
      ['the base with no jitter', 1, 0, 1_000],
      ['the base plus up to 2 s after the first failure', 1, 0.5, 1_000 + 1_000],
      ['the base plus up to 8 s after the third', 3, 0.5, 1_000 + 4_000],
      ['the base plus at most 60 s however many', 20, 0.5, 1_000 + 30_000],
    ])('should back off by %s', (_, attempt, random, delay) => {
      expect(retryAfterFailureAt(attempt, 10_000, () => random)).toBe(10_000 + delay);
    });
  });
});
