import { describe, expect, it } from '@jest/globals';
import { FeishuConfigError } from '../feishu-auth.errors.js';
import {
  requireCredential,
  resolveAppType,
  resolveDomain,
  resolveLocalPath,
  resolveRedirectUri,
  resolveScopes,
} from './app.options.js';

const extra = (count: number) => Array.from({ length: count }, (_, i) => `scope:${i}`);

describe('app options', () => {
  it.each([
    [undefined, { open: 'https://open.feishu.cn', accounts: 'https://accounts.feishu.cn' }],
    ['feishu', { open: 'https://open.feishu.cn', accounts: 'https://accounts.feishu.cn' }],
    ['lark', { open: 'https://open.larksuite.com', accounts: 'https://accounts.larksuite.com' }],
    [
      { open: 'http://127.0.0.1:4000/', accounts: 'http://127.0.0.1:4000' },
      { open: 'http://127.0.0.1:4000', accounts: 'http://127.0.0.1:4000' },
    ],
  ] as const)(
    'should resolve the domain %j to base URLs without trailing slashes',
    (domain, urls) => {
      expect(resolveDomain(domain)).toEqual(urls);
    },
  );

  it.each([
    ['no scopes', undefined, ['offline_access']],
    ['an empty list', [], ['offline_access']],
    [
      'offline_access among them',
      ['contact:user.email:readonly', 'offline_access'],
      ['contact:user.email:readonly', 'offline_access'],
    ],
    ['49 extra scopes, the most', extra(49), [...extra(49), 'offline_access']],
  ])('should request offline_access once beside %s', (_case, scopes, requested) => {
    expect(resolveScopes(scopes)).toEqual(requested);
  });

  it.each([
    ['appId', () => requireCredential('', 'appId'), /"appId".*cli_/],
    ['appId', () => requireCredential('cli with space', 'appId'), /"appId"/],
    ['appSecret', () => requireCredential(undefined, 'appSecret'), /"appSecret"/],
    [
      'appType',
      () => resolveAppType('isv'),
      /"appType" must be 'self-built' \(default\) or 'store'/,
    ],
    [
      'redirectUri',
      () => resolveRedirectUri('/callback'),
      /"redirectUri" must be an absolute http\(s\) URL/,
    ],
    ['redirectUri', () => resolveRedirectUri('ftp://example.com/cb'), /"redirectUri"/],
    ['redirectUri', () => resolveRedirectUri('https://example.com/cb#x'), /"redirectUri"/],
    ['domain', () => resolveDomain('feishu.cn' as 'feishu'), /"domain" must be 'feishu', 'lark'/],
    [
      'domain',
      () => resolveDomain({ open: 'http://x' } as { open: string; accounts: string }),
      /"domain"/,
    ],
    ['scopes', () => resolveScopes(['a b']), /"scopes"/],
    ['scopes', () => resolveScopes('contact'), /"scopes"/],
    ['scopes', () => resolveScopes(extra(50)), /"scopes" must be an array of at most 49/],
    [
      'loginPath',
      () => resolveLocalPath('https://evil.example/login', 'loginPath'),
      /"loginPath" must be a local path/,
    ],
    [
      'failureRedirect',
      () => resolveLocalPath('//evil.example', 'failureRedirect'),
      /"failureRedirect" must be a local path/,
    ],
  ])('should reject a bad %s with one message naming it', (_name, resolve, message) => {
    expect(resolve).toThrow(FeishuConfigError);
    expect(resolve).toThrow(message);
    expect(resolve).toThrow(/^FeishuAuthModule: /);
  });
});
