import { BadRequestException, HttpException } from '@nestjs/common';
import * as errors from './feishu-auth.errors.js';
import { toFeishuHttpException } from './feishu-auth.http-errors.js';
import { FeishuRefreshLockTimeoutError } from './services/refresh-lock-timeout.error.js';

const apiError = (details: Partial<errors.FeishuApiErrorDetails>): errors.FeishuApiError =>
  new errors.FeishuApiError({
    code: -1,
    message: 'Feishu said no.',
    endpoint: '/x',
    kind: 'request',
    ...details,
  });

const LIBRARY_ERRORS: [string, errors.FeishuAuthError, number | undefined][] = [
  ['FeishuApiError', apiError({ code: 20037, kind: 'reauth', httpStatus: 400 }), 401],
  ['FeishuApiError', apiError({ kind: 'timeout' }), 504],
  ['FeishuApiError', apiError({ code: 99991400, kind: 'rate-limited', httpStatus: 429 }), 503],
  ['FeishuApiError', apiError({ code: 20072, kind: 'transient', httpStatus: 200 }), 503],
  ['FeishuApiError', apiError({ kind: 'transient' }), 503],
  ['FeishuApiError', apiError({ code: 20050, kind: 'transient', httpStatus: 500 }), 502],
  ['FeishuApiError', apiError({ code: 20029, kind: 'config', httpStatus: 400 }), 502],
  ['FeishuApiError', apiError({ code: 99991663, kind: 'invalid-token', httpStatus: 400 }), 502],
  ['FeishuApiError', apiError({ code: 99991679, kind: 'request', httpStatus: 400 }), 502],
  [
    'FeishuReauthRequiredError',
    new errors.FeishuReauthRequiredError('ou_1', 'Sign in again.'),
    401,
  ],
  ['FeishuStoreUnavailableError', new errors.FeishuStoreUnavailableError('Redis is down.'), 503],
  [
    'FeishuAppTicketUnavailableError',
    new errors.FeishuAppTicketUnavailableError('No ticket.'),
    503,
  ],
  ['FeishuRefreshLockTimeoutError', new FeishuRefreshLockTimeoutError('tenant', 20_000), 503],
  ['FeishuBudgetExceededError', new errors.FeishuBudgetExceededError('Slow down.', 1_000), 429],
  ['FeishuConfigError', new errors.FeishuConfigError('Bad options.'), 502],
  ['FeishuEventRejectedError', new errors.FeishuEventRejectedError('Bad event.', 401), undefined],
  [
    'FeishuTenantKeyRequiredError',
    new errors.FeishuTenantKeyRequiredError('No tenant.'),
    undefined,
  ],
  ['FeishuTokenRefError', new errors.FeishuTokenRefError('No user.'), undefined],
];

describe('FeishuAuthError', () => {
  it.each(LIBRARY_ERRORS)('should be the base of %s', (name, error) => {
    expect(error).toBeInstanceOf(errors.FeishuAuthError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe(name);
    expect(error.constructor.name).toBe(name);
  });

  it('should keep the cause it was given', () => {
    const cause = new Error('socket hang up');

    expect(new errors.FeishuStoreUnavailableError('Redis is down.', { cause }).cause).toBe(cause);
    expect(apiError({ cause }).cause).toBe(cause);
  });
});

describe('toFeishuHttpException', () => {
  it.each(LIBRARY_ERRORS)('should answer %s (%#) with HTTP %p', (_name, error, status) => {
    const answer = toFeishuHttpException(error);
    const http = answer instanceof HttpException ? answer : undefined;

    expect(http?.getStatus()).toBe(status);
    expect(http ? http.cause : answer).toBe(error);
  });

  it.each(LIBRARY_ERRORS.filter(([, , status]) => status === 401))(
    'should send %s (%#) to the login URL',
    (_name, error) => {
      const answer = toFeishuHttpException(error, { loginUrl: '/auth/feishu/login' });

      expect((answer as HttpException).getResponse()).toMatchObject({
        statusCode: 401,
        loginUrl: '/auth/feishu/login',
      });
    },
  );

  it.each([[new BadRequestException('no')], [new Error('bug')], ['a string']])(
    'should return %p as it is',
    (error) => {
      expect(toFeishuHttpException(error)).toBe(error);
    },
  );
});
