import { isLocalReturnPath } from './feishu-return-to.util.js';

describe('isLocalReturnPath', () => {
  it.each(['/', '/dashboard', '/a/b?c=d#e', '/docs/%2F%2Fnot-a-host', '/中文'])(
    'should accept the local path %s',
    (path) => {
      expect(isLocalReturnPath(path)).toBe(true);
    },
  );

  it.each([
    ['a protocol-relative URL', '//evil.example/x'],
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
    expect(isLocalReturnPath(path)).toBe(false);
  });

  it('should refuse values that are not strings, such as repeated query parameters', () => {
    expect(isLocalReturnPath(['/a', '/b'])).toBe(false);
    expect(isLocalReturnPath({ path: '/a' })).toBe(false);
    expect(isLocalReturnPath(undefined)).toBe(false);
  });
});
