import { CookieJar } from './cookie-jar.js';

describe('CookieJar', () => {
  it.each([
    ['a value', 'sid=abc; Path=/; HttpOnly', 'abc'],
    ['a future Expires', 'sid=abc; Expires=Fri, 01 Jan 2100 00:00:00 GMT', 'abc'],
    ['a positive Max-Age', 'sid=abc; Max-Age=60', 'abc'],
    ['a past Expires', 'sid=abc; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT', undefined],
    ['Max-Age=0', 'sid=abc; Max-Age=0', undefined],
    ['a negative Max-Age', 'sid=abc; max-age=-1', undefined],
    ['an empty value', 'sid=; Path=/', undefined],
  ])('should keep or forget a cookie set with %s', (_case, line, expected) => {
    const jar = new CookieJar();
    jar.set('sid', 'old');

    jar.store(line);

    expect(jar.get('sid')).toBe(expected);
  });

  it('should read the Set-Cookie lines of a fetch Response and of a supertest header array', () => {
    const fromFetch = new CookieJar();
    const headers = new Headers();
    headers.append('set-cookie', 'a=1; Path=/');
    headers.append('set-cookie', 'b=2; Path=/');
    fromFetch.store(new Response(null, { headers }));
    const fromSupertest = new CookieJar();
    fromSupertest.store(['a=1; Path=/', 'b=2; Path=/']);

    expect(fromFetch.header()).toBe('a=1; b=2');
    expect(fromSupertest.header()).toBe('a=1; b=2');
    expect(fromFetch.names()).toEqual(['a', 'b']);
  });

  it('should give a clone that later cookies of the original do not change', () => {
    const jar = new CookieJar();
    jar.store('a=1');
    const copy = jar.clone();

    jar.store('a=2');

    expect(copy.get('a')).toBe('1');
  });
});
