import { bearerOf, feishuCodeOf } from './lark-http.instance.js';

describe('LarkHttpInstance helpers', () => {
  it.each([
    ['the SDK header', { Authorization: 'Bearer t-abc' }, 't-abc'],
    ['a lower-case header', { authorization: 'bearer u-xyz' }, 'u-xyz'],
    ['no header', {}, undefined],
    ['headers missing', undefined, undefined],
    ['another scheme', { Authorization: 'Basic abc' }, undefined],
    ['a non-string value', { Authorization: 42 }, undefined],
  ])('should read the Bearer token of %s', (_case, headers, expected) => {
    expect(bearerOf(headers as Record<string, unknown> | undefined)).toBe(expected);
  });

  it.each([
    ['a resolved body', { ok: true as const, value: { code: 99991663 } }, 99991663],
    [
      'a body with headers ($return_headers)',
      { ok: true as const, value: { data: { code: 0 } } },
      0,
    ],
    [
      'a rejected request (axios)',
      { ok: false as const, error: { response: { status: 400, data: { code: 99991668 } } } },
      99991668,
    ],
    ['a network error', { ok: false as const, error: new Error('ECONNRESET') }, undefined],
    ['a non-object body', { ok: true as const, value: 'text' }, undefined],
  ])("should find Feishu's code in %s", (_case, outcome, expected) => {
    expect(feishuCodeOf(outcome)).toBe(expected);
  });
});
