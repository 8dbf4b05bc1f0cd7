import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { appendSetCookie, signValue, unsignValue } from './feishu-cookie.util.js';

function nodeResponse(): ServerResponse {
  return new ServerResponse(new IncomingMessage(new Socket()));
}

describe('feishu cookie utilities', () => {
  const COOKIE = 'session-cookie';

  it('should verify a value signed with the first secret, with every secret of the list', () => {
    const signed = signValue('session-id', ['new-secret', 'old-secret'], COOKIE);
    expect(unsignValue(signed, ['new-secret'], COOKIE)).toBe('session-id');
    expect(unsignValue(signed, ['other', 'new-secret'], COOKIE)).toBe('session-id');
  });

  it('should keep accepting values signed with a rotated-out secret while it is listed', () => {
    const signedWithOld = signValue('session-id', ['old-secret'], COOKIE);
    expect(unsignValue(signedWithOld, ['new-secret', 'old-secret'], COOKIE)).toBe('session-id');
    expect(unsignValue(signedWithOld, ['new-secret'], COOKIE)).toBeUndefined();
  });

  it('should refuse a tampered value', () => {
    const signed = signValue('session-id', ['secret'], COOKIE);
    expect(
      unsignValue(signed.replace('session-id', 'session-ie'), ['secret'], COOKIE),
    ).toBeUndefined();
    expect(unsignValue('session-id', ['secret'], COOKIE)).toBeUndefined();
  });

  it('should not verify a value signed for one purpose as a value of another', () => {
    const token = signValue('session-id', ['secret'], 'session-token');
    expect(token.startsWith('session-id.')).toBe(true);
    expect(unsignValue(token, ['secret'], 'session-cookie')).toBeUndefined();
    expect(unsignValue(token, ['secret'], 'session-token')).toBe('session-id');
  });

  it('should set HttpOnly, SameSite, Path=/ and Max-Age, keeping other cookies', () => {
    const response = nodeResponse();
    response.setHeader('Set-Cookie', ['other=1']);
    appendSetCookie(response, 'feishu_session', 'value', 600, { secure: true, sameSite: 'lax' });
    const cookies = response.getHeader('set-cookie') as string[];
    expect(cookies[0]).toBe('other=1');
    expect(cookies[1]).toMatch(/^feishu_session=value;/);
    expect(cookies[1]).toMatch(/Max-Age=600/);
    expect(cookies[1]).toMatch(/Path=\//);
    expect(cookies[1]).toMatch(/HttpOnly/);
    expect(cookies[1]).toMatch(/Secure/);
    expect(cookies[1]).toMatch(/SameSite=Lax/);
  });

  it('should replace an earlier Set-Cookie of the same name in the same response', () => {
    const response = nodeResponse();
    appendSetCookie(response, 'feishu_session', 'first', 600, { secure: false, sameSite: 'lax' });
    appendSetCookie(response, 'feishu_session', '', 0, { secure: false, sameSite: 'lax' });
    const cookies = response.getHeader('set-cookie') as string[];
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatch(/^feishu_session=;/);
    expect(cookies[0]).not.toMatch(/Secure/);
  });
});
