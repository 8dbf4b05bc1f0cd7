import fc from 'fast-check';
import { isLocalReturnPath, toLocalReturnPath } from './feishu-return-to.util.js';

describe('toLocalReturnPath', () => {
  it.each([
    ['/', '/'],
    ['/dashboard', '/dashboard'],
    ['/a/b?c=d#e', '/a/b?c=d#e'],
    ['/docs/%2F%2Fnot-a-host', '/docs/%2F%2Fnot-a-host'],
    ['/a/./b/../c', '/a/c'],
    ['/../../etc', '/etc'],
    ['/中文', '/%E4%B8%AD%E6%96%87'],
  ])('should accept the local path %s as %s', (path, normalised) => {
    expect(toLocalReturnPath(path)).toBe(normalised);
    expect(isLocalReturnPath(path)).toBe(true);
  });

  it.each([
    ['a protocol-relative URL', '//evil.example/x'],
    ['a dot segment that normalises to //host', '/.//evil.example'],
    ['a dot-dot segment that normalises to //host', '/a/..//evil.example'],
    ['an encoded dot segment that normalises to //host', '/%2e//evil.example'],
    ['a backslash that browsers read as a slash', '/\\evil.example'],
    ['a leading backslash', '\\\\evil.example'],
    ['an absolute URL', 'https://evil.example/'],
    ['a javascript: URL', 'javascript:alert(1)'],
    ['a relative path', 'dashboard'],
    ['a tab that browsers strip', '/\t/evil.example'],
    ['a newline (header injection)', '/a\r\nSet-Cookie: x=y'],
    ['an empty string', ''],
    ['a huge path', `/${'a'.repeat(3000)}`],
  ])('should refuse %s', (_label, path) => {
    expect(toLocalReturnPath(path)).toBeUndefined();
    expect(isLocalReturnPath(path)).toBe(false);
  });

  it('should refuse values that are not strings, such as repeated query parameters', () => {
    expect(isLocalReturnPath(['/a', '/b'])).toBe(false);
    expect(isLocalReturnPath({ path: '/a' })).toBe(false);
    expect(isLocalReturnPath(undefined)).toBe(false);
  });

  it('should return only normalised paths that stay on this site, even when redirected to again', () => {
    const alphabet = fc.constantFrom('/', '\\', '.', '%2e', '%2f', ':', '@', '?', '#', 'a', 'e');
    const candidate = fc.array(alphabet, { maxLength: 16 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(candidate, (value) => {
        const path = toLocalReturnPath(value);
        if (path === undefined) return;
        expect(path.startsWith('/')).toBe(true);
        expect(path.startsWith('//') || path.startsWith('/\\')).toBe(false);
        // Normalising is idempotent: the path a browser lands on is the path we returned.
        expect(toLocalReturnPath(path)).toBe(path);
        for (const base of ['https://app.example', 'http://localhost:3000/auth/feishu/x']) {
          expect(new URL(path, base).origin).toBe(new URL(base).origin);
          expect(new URL(new URL(path, base).pathname, base).origin).toBe(new URL(base).origin);
        }
      }),
      { numRuns: 2_000 },
    );
  });
});
