import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { appendSetCookie, signValue, unsignValue } from './feishu-cookie.util.js';

function nodeResponse(): ServerResponse {
  return new ServerResponse(new IncomingMessage(new Socket()));
}

describe('feishu cookie utilities', () => {
  it('should verify a value signed with the first secret, with every secret of the list', () => {
    const signed = signValue('session-id', ['new-secret', 'old-secret']);
    expect(unsignValue(signed, ['new-secret'])).toBe('session-id');
    expect(unsignValue(signed, ['other', 'new-secret'])).toBe('session-id');
  });

  it('should keep accepting values signed with a rotated-out secret while it is listed', () => {
    const signedWithOld = signValue('session-id', ['old-secret']);
    expect(unsignValue(signedWithOld, ['new-secret', 'old-secret'])).toBe('session-id');
    expect(unsignValue(signedWithOld, ['new-secret'])).toBeUndefined();
  });

  it('should refuse a tampered value', () => {
    const signed = signValue('session-id', ['secret']);
    expect(unsignValue(signed.replace('session-id', 'session-ie'), ['secret'])).toBeUndefined();
    expect(unsignValue('session-id', ['secret'])).toBeUndefined();
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
