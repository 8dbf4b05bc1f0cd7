import { decryptEvent, encryptEvent, signEvent } from './event-crypto.js';

describe('event crypto', () => {
  it('should decrypt the documented "test key" vector to "hello world"', () => {
    expect(decryptEvent('test key', 'P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=')).toBe(
      'hello world',
    );
  });

  it('should round-trip with a fresh IV each time', () => {
    const a = encryptEvent('k', '{"a":1}');
    expect(a).not.toBe(encryptEvent('k', '{"a":1}'));
    expect(decryptEvent('k', a)).toBe('{"a":1}');
  });

  it('should reproduce the signature example of §6.2', () => {
    expect(
      signEvent(
        '1700000000',
        'abc123',
        'test key',
        '{"encrypt":"P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk="}',
      ),
    ).toBe('69c61fa99760d59824d588297c0036194769fb54331682c9cbcd93e85b9a8aad');
  });
});
