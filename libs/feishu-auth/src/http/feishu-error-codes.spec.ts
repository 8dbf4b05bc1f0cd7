import type { FeishuErrorKind } from '../feishu-auth.errors.js';
import { FEISHU_ERROR_CODES, feishuCodeMeaning, kindOfFeishuCode } from './feishu-error-codes.js';

const rows = Object.entries(FEISHU_ERROR_CODES).map(([code, meaning]) => ({
  code: Number(code),
  ...meaning,
}));

describe('kindOfFeishuCode', () => {
  it.each<[number, number | undefined, FeishuErrorKind]>([
    [99991400, 400, 'rate-limited'],
    [20050, 429, 'rate-limited'],
    [12345, 429, 'rate-limited'],
    [20050, 500, 'transient'],
    [20072, 200, 'transient'],
    [20037, 400, 'reauth'],
    [20064, 400, 'reauth'],
    [99991669, 200, 'reauth'],
    [99991663, 200, 'invalid-token'],
    [99991671, 200, 'invalid-token'],
    [20005, 400, 'invalid-token'],
    [20029, 400, 'config'],
    [20074, 400, 'config'],
    [99991543, 200, 'config'],
    [20003, 400, 'request'],
    [10012, 200, 'request'],
    [20003, 500, 'transient'],
    [20024, 500, 'config'],
    [-1, 502, 'transient'],
    [12345, 503, 'transient'],
    [12345, 404, 'request'],
    [12345, undefined, 'request'],
  ])('should call code %p with HTTP %p %p', (code, status, kind) => {
    expect(kindOfFeishuCode(code, status)).toBe(kind);
  });
});

describe('feishuCodeMeaning', () => {
  it.each<[unknown]>([[12345], ['20003'], [undefined], [null], [Number.NaN]])(
    'should know nothing about %p',
    (code) => {
      expect(feishuCodeMeaning(code)).toBeUndefined();
    },
  );

  it.each([
    [20003, 'code_invalid'],
    [20065, 'code_invalid'],
    [20004, 'code_expired'],
    [20024, 'code_app_mismatch'],
    [20049, 'pkce_mismatch'],
    [20071, 'redirect_uri_mismatch'],
  ])('should spend the login when a code exchange answers %p (%p)', (code, reason) => {
    expect(feishuCodeMeaning(code)?.login).toBe(reason);
  });

  it('should name exactly the login-spending codes', () => {
    expect(rows.filter((row) => row.login).map((row) => row.code)).toEqual([
      20003, 20004, 20024, 20049, 20065, 20071,
    ]);
  });

  it.each([
    ['dies', [20024, 20026, 20037, 20074, 99991669]],
    ['used', [20038, 20064, 20073]],
  ])('should end the stored user record (%p) for exactly %p', (record, codes) => {
    expect(rows.filter((row) => row.record === record).map((row) => row.code)).toEqual(codes);
  });

  it.each([
    ['fresh-token', [99991661, 99991663, 99991664, 99991665, 99991668, 99991677]],
    ['fresh-app-token', [20014]],
    ['resend-app-ticket', [10012]],
  ])('should recover by %p for exactly %p', (recover, codes) => {
    expect(rows.filter((row) => row.recover === recover).map((row) => row.code)).toEqual(codes);
  });

  it('should call only 20072 unavailable', () => {
    expect(rows.filter((row) => row.unavailable).map((row) => row.code)).toEqual([20072]);
  });
});

describe('FEISHU_ERROR_CODES', () => {
  it.each(rows)('should give $code a hint that ends a sentence', ({ hint }) => {
    expect(hint).toMatch(/^\S.{10,}\.$/s);
  });

  it('should end the stored record for every code that asks the user to sign in again', () => {
    const reauth = rows.filter((row) => row.kind === 'reauth');
    expect(reauth.length).toBeGreaterThan(0);
    expect(reauth.filter((row) => row.record === undefined)).toEqual([]);
  });

  it('should retry with a fresh token only for codes that reject the token', () => {
    const fresh = rows.filter((row) => row.recover === 'fresh-token');
    expect(fresh.filter((row) => row.kind !== 'invalid-token')).toEqual([]);
  });

  it('should not spend a login on a code Feishu may answer differently on a retry', () => {
    const login = rows.filter((row) => row.login !== undefined);
    expect(login.filter((row) => row.kind === 'transient' || row.kind === 'rate-limited')).toEqual(
      [],
    );
  });
});
