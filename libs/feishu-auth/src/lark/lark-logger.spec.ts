import { describeForLog } from './lark-logger.js';

describe('describeForLog', () => {
  const axiosError = Object.assign(new Error('Request failed with status code 400'), {
    config: { headers: { Authorization: 'Bearer t-secret-token' }, data: '{"app_secret":"s"}' },
    response: { status: 400, data: { code: 99991663, msg: 'Invalid access token' } },
  });

  it.each([
    ['a string', 'client ready', 'client ready'],
    [
      'an axios error',
      axiosError,
      'Request failed with status code 400, HTTP 400, Feishu code 99991663 (Invalid access token)',
    ],
    [
      "the SDK's formatted errors",
      [
        [
          { message: 'Request failed', config: { url: 'x' }, response: { status: 404, data: {} } },
          { code: 41050, msg: 'no user authority error' },
        ],
      ],
      'Request failed, HTTP 404 Feishu code 41050 (no user authority error)',
    ],
    [
      'an object without a message',
      { headers: { Authorization: 'Bearer t-secret-token' } },
      '[object]',
    ],
    ['nothing', undefined, ''],
  ])('should describe %s by message, status and code only', (_case, value, expected) => {
    const line = describeForLog(value);

    expect(line).toBe(expected);
    expect(line).not.toContain('t-secret-token');
  });
});
