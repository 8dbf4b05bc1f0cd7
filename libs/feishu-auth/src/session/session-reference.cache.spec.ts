import { sign } from 'cookie-signature';
import { signValue } from './feishu-cookie.util.js';
import { SessionReferenceCache } from './session-reference.cache.js';

const SECRETS = ['new-secret-0123456789abcdef0123456', 'old-secret-0123456789abcdef0123456'];
const FOREIGN = 'attacker-secret-0123456789abcdef01';

describe('SessionReferenceCache', () => {
  const valid = signValue('session-id', SECRETS, 'session-cookie');

  it.each([
    ['signed with the secret in use', valid, 'session-id'],
    [
      'signed with an older listed secret',
      signValue('session-id', [SECRETS[1]], 'session-cookie'),
      'session-id',
    ],
    [
      'signed with an unknown secret',
      signValue('session-id', [FOREIGN], 'session-cookie'),
      undefined,
    ],
    ['signed for another purpose', signValue('session-id', SECRETS, 'session-token'), undefined],
    ['signed without a purpose', sign('session-id', SECRETS[0]), undefined],
    ['with a tampered id', `x${valid.slice(1)}`, undefined],
    [
      'with a tampered signature',
      `${valid.slice(0, -1)}${valid.endsWith('A') ? 'B' : 'A'}`,
      undefined,
    ],
    ['without a signature', 'session-id', undefined],
    ['empty', '', undefined],
  ])('should verify a cookie reference %s as the signature says', (_case, signed, id) => {
    expect(new SessionReferenceCache(SECRETS, 'session-cookie').verify(signed)?.id).toBe(id);
  });

  it('should still refuse forgeries of a reference it already verified', () => {
    const cache = new SessionReferenceCache(SECRETS, 'session-cookie');
    expect(cache.verify(valid)?.id).toBe('session-id');

    expect(cache.verify(signValue('session-id', [FOREIGN], 'session-cookie'))).toBeUndefined();
    expect(cache.verify(`${valid}x`)).toBeUndefined();
  });

  it('should not accept a value verified for one purpose as a value of the other', () => {
    const token = signValue('session-id', SECRETS, 'session-token');
    expect(new SessionReferenceCache(SECRETS, 'session-token').verify(token)?.id).toBe(
      'session-id',
    );
    expect(new SessionReferenceCache(SECRETS, 'session-cookie').verify(token)).toBeUndefined();
  });

  it('should keep what it learnt about a verified reference for its next use', () => {
    const cache = new SessionReferenceCache(SECRETS, 'session-cookie');
    cache.verify(valid)!.openId = 'ou_1';

    expect(cache.verify(valid)).toEqual({ id: 'session-id', openId: 'ou_1' });
  });
});
