import { describe, expect, it } from '@jest/globals';
import { FeishuConfigError } from '../feishu-auth.errors.js';
import { FEISHU_AUTH_DEFAULTS } from './feishu-auth.defaults.js';
import { prefixedCookieName, resolveSession } from './session.options.js';

const SECRET = 'session-secret-of-32-characters!';

describe('resolveSession', () => {
  it('should apply the defaults to a session given only its secret', () => {
    const { cookieName, ttlSeconds, tokenTtlSeconds, sameSite } = FEISHU_AUTH_DEFAULTS.session;

    expect(resolveSession({ secret: SECRET })).toMatchObject({
      secrets: [SECRET],
      cookieName,
      ttlSeconds,
      tokenTtlSeconds,
      sameSite,
      secure: false, // 'auto' under NODE_ENV=test
    });
  });

  it.each([
    ['session', undefined, /"session" is required/],
    ['session.secret', { secret: 'short' }, /"session.secret" must be a string of at least 32/],
    [
      'session.secret of 31 characters',
      { secret: SECRET.slice(0, 31) },
      /"session.secret" must be a string of at least 32/,
    ],
    ['session.secret as an empty list', { secret: [] }, /"session.secret" must be/],
    ['session.secret[1]', { secret: [SECRET, 'short'] }, /"session.secret\[1\]"/],
    [
      'session.sameSite none without Secure',
      { secret: SECRET, sameSite: 'none', secure: false },
      /"session.sameSite" 'none' requires "session.secure": true/,
    ],
    [
      'session.sameSite',
      { secret: SECRET, sameSite: 'loose' },
      /"session.sameSite" must be 'lax' \(default\), 'strict' or 'none'/,
    ],
    ['session.secure', { secret: SECRET, secure: 'yes' }, /"session.secure"/],
    ['session.cookieName', { secret: SECRET, cookieName: 'a b' }, /"session.cookieName"/],
    ['session.domain', { secret: SECRET, domain: '' }, /"session.domain"/],
    [
      'session.ttlSeconds',
      { secret: SECRET, ttlSeconds: 1.5 },
      /"session.ttlSeconds" must be an integer >= 1/,
    ],
    [
      'session.tokenTtlSeconds',
      { secret: SECRET, tokenTtlSeconds: 0 },
      /"session.tokenTtlSeconds" must be an integer >= 1/,
    ],
  ])('should reject a bad %s with one message naming it', (_name, session, message) => {
    const resolve = () => resolveSession(session);

    expect(resolve).toThrow(FeishuConfigError);
    expect(resolve).toThrow(message);
    expect(resolve).toThrow(/^FeishuAuthModule: /);
  });

  it('should keep session tokens no longer than the session', () => {
    const session = resolveSession({ secret: SECRET, ttlSeconds: 600, tokenTtlSeconds: 3600 });

    expect(session.tokenTtlSeconds).toBe(600);
  });

  it('should keep every secret of a rotation, the first one signing', () => {
    const next = 'another-secret-of-32-characters!';

    expect(resolveSession({ secret: [next, SECRET] }).secrets).toEqual([next, SECRET]);
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
    expect(resolveSession({ secret: SECRET, ...session })).toMatchObject({
      cookieName,
      loginCookieName,
    });
  });

  it('should accept sameSite none with Secure', () => {
    expect(resolveSession({ secret: SECRET, sameSite: 'none', secure: true })).toMatchObject({
      sameSite: 'none',
      secure: true,
    });
  });

  describe('prefixedCookieName', () => {
    it.each([
      [{ secure: false, sameSite: 'lax' as const }, 'sid'],
      [{ secure: true, sameSite: 'lax' as const }, '__Host-sid'],
      [{ secure: true, sameSite: 'none' as const, domain: 'example.com' }, '__Secure-sid'],
      [{ secure: false, sameSite: 'lax' as const, domain: 'example.com' }, 'sid'],
    ])('should name a cookie with attributes %j %s', (attributes, expected) => {
      expect(prefixedCookieName('sid', attributes)).toBe(expected);
    });
  });
});
