import { jest } from '@jest/globals';
import {
  callApi,
  emulatorPerTest,
  postJson,
  refreshGrant,
  SELF_BUILT,
  tenantToken as tenantTokenOf,
  TOKEN_V2_PATH,
  userTokens,
} from '../emulator.spec-harness.js';
import { EmulatorApiError } from './openapi-call.js';

const TASKS = '/open-apis/task/v2/tasks';

describe('FeishuEmulator.route', () => {
  const t = emulatorPerTest();

  const call = (method: string, path: string, token?: string, body?: unknown) =>
    callApi(t.emulator, method, path, token, body);
  const tenantToken = () => tenantTokenOf(t.emulator);
  const userToken = async (openId: string) => {
    const body = await userTokens(t.emulator, openId, ['offline_access']);
    return { access: String(body.access_token), refresh: String(body.refresh_token) };
  };

  it('should hand the handler the authenticated app, tenant, body, params and query, and log the call', async () => {
    const tasks = t.emulator.route('POST', `${TASKS}/:task_guid/comments`, (request) => ({
      comment: { id: 'c1', task: request.params.task_guid, by: request.app.appId },
    }));
    const tat = await tenantToken();
    const answer = await call('POST', `${TASKS}/t%201/comments?user_id_type=open_id`, tat, {
      content: 'hi',
    });
    expect(answer).toEqual({
      status: 200,
      body: {
        code: 0,
        msg: 'success',
        data: { comment: { id: 'c1', task: 't 1', by: SELF_BUILT.appId } },
      },
    });
    expect(tasks.calls).toEqual([
      {
        method: 'POST',
        path: `${TASKS}/t%201/comments`,
        params: { task_guid: 't 1' },
        query: { user_id_type: 'open_id' },
        body: { content: 'hi' },
        tokenType: 'tenant',
        app: t.emulator.apps.find((app) => app.appId === SELF_BUILT.appId),
        tenantKey: 'tenant_emulator_1',
        user: undefined,
        openId: undefined,
        scopes: [],
        at: t.now,
      },
    ]);
    expect(t.emulator.stats()[`route.POST ${TASKS}/:task_guid/comments`]).toBe(1);
  });

  it('should give a user-token handler the user and its open_id in the app', async () => {
    const route = t.emulator.route('GET', '/open-apis/task/v2/tasks', (request) => ({
      items: [],
      owner: request.openId,
    }));
    const [user] = t.emulator.users;
    const { body } = await call('GET', TASKS, (await userToken(user.openId)).access);
    expect(body).toEqual({ code: 0, msg: 'success', data: { items: [], owner: user.openId } });
    expect(route.calls[0]).toMatchObject({ tokenType: 'user', user, openId: user.openId });
  });

  it('should apply the token rules before the handler runs, and keep refused calls out of the log', async () => {
    const handler = jest.fn(() => ({}));
    const route = t.emulator.route('GET', TASKS, handler, { tokens: ['user'] });
    const [user] = t.emulator.users;
    const tokens = await userToken(user.openId);
    expect(await call('GET', TASKS)).toMatchObject({ status: 400, body: { code: 99991661 } });
    expect(await call('GET', TASKS, await tenantToken())).toMatchObject({
      status: 400,
      body: { code: 99991663 },
    });
    t.emulator.expireUserTokens(user.openId);
    expect(await call('GET', TASKS, tokens.access)).toMatchObject({
      status: 400,
      body: { code: 99991677 },
    });
    expect(handler).not.toHaveBeenCalled();
    expect(route.calls).toEqual([]);
  });

  it('should answer an EmulatorApiError as a Feishu error, with the log id', async () => {
    t.emulator.route('POST', TASKS, () => {
      throw new EmulatorApiError(1470400, 'task not found', 404);
    });
    const { status, body } = await call('POST', TASKS, await tenantToken(), {});
    expect(status).toBe(404);
    expect(body).toEqual({
      code: 1470400,
      msg: 'task not found',
      error: { log_id: expect.any(String) },
    });
  });

  it('should answer a handler that throws anything else with HTTP 500, and keep serving', async () => {
    t.emulator.route('GET', TASKS, () => {
      throw new Error('bug in the test handler');
    });
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const tat = await tenantToken();
    expect((await call('GET', TASKS, tat)).status).toBe(500);
    expect(errors).toHaveBeenCalledTimes(1);
    errors.mockRestore();
    expect((await call('GET', '/open-apis/tenant/v2/tenant/query', tat)).status).toBe(200);
  });

  it('should replace a built-in route while registered, and restore it on remove', async () => {
    const tat = await tenantToken();
    const route = t.emulator.route('GET', '/open-apis/tenant/v2/tenant/query', () => ({
      tenant: { name: 'Replaced' },
    }));
    expect((await call('GET', '/open-apis/tenant/v2/tenant/query', tat)).body.data).toEqual({
      tenant: { name: 'Replaced' },
    });
    route.remove();
    expect((await call('GET', '/open-apis/tenant/v2/tenant/query', tat)).body.data).toMatchObject({
      tenant: { name: 'Emulator Tenant One' },
    });
    expect((await call('GET', '/open-apis/task/v2/tasks', tat)).status).toBe(404);
  });

  it('should refuse a malformed JSON body with 9499 before the handler runs', async () => {
    const route = t.emulator.route('POST', TASKS, () => ({}));
    expect(await call('POST', TASKS, await tenantToken(), '{"summary":')).toMatchObject({
      status: 400,
      body: { code: 9499 },
    });
    expect(route.calls).toEqual([]);
  });

  it.each([
    ['TRACE', TASKS, 'method must be one of GET, POST, PUT, PATCH, DELETE'],
    ['GET', '/task/v2/tasks', 'pattern must be an /open-apis/… path, got /task/v2/tasks'],
    [
      'GET',
      '/open-apis/tasks?x=1',
      'pattern must be an /open-apis/… path, got /open-apis/tasks?x=1',
    ],
  ])('should refuse to register %s %s', (method, pattern, message) => {
    expect(() => t.emulator.route(method as 'GET', pattern, () => ({}))).toThrow(message);
  });

  it('should refuse an empty or unknown token list', () => {
    expect(() => t.emulator.route('GET', TASKS, () => ({}), { tokens: [] })).toThrow(
      'tokens must name at least one of tenant, user',
    );
  });
});

describe('FeishuEmulator user token controls', () => {
  const t = emulatorPerTest();

  const userInfo = async (token: unknown) =>
    callApi(t.emulator, 'GET', '/open-apis/authen/v1/user_info', String(token));
  const signIn = (openId: string) => userTokens(t.emulator, openId, ['offline_access']);
  const refresh = async (refreshToken: unknown) =>
    (await postJson(t.emulator.url, TOKEN_V2_PATH, refreshGrant(refreshToken))).body;

  it('should expire the access token (99991677) and leave the refresh token working', async () => {
    const [user] = t.emulator.users;
    const tokens = await signIn(user.openId);
    expect(t.emulator.expireUserTokens(user.openId)).toBe(1);
    expect(await userInfo(tokens.access_token)).toMatchObject({
      status: 400,
      body: { code: 99991677 },
    });
    const refreshed = await refresh(tokens.refresh_token);
    expect((await userInfo(refreshed.access_token)).body.code).toBe(0);
  });

  it('should revoke access (99991668) and refresh tokens (20064) of that user only', async () => {
    const [user, second] = t.emulator.users;
    const tokens = await signIn(user.openId);
    const other = await signIn(second.openId);
    expect(t.emulator.revokeUserTokens(user.openId)).toBe(1);
    expect(await userInfo(tokens.access_token)).toMatchObject({
      status: 400,
      body: { code: 99991668 },
    });
    expect((await refresh(tokens.refresh_token)).code).toBe(20064);
    expect((await userInfo(other.access_token)).body.code).toBe(0);
  });

  it('should throw for an unknown user', () => {
    expect(() => t.emulator.expireUserTokens('ou_nobody')).toThrow('unknown user: ou_nobody');
    expect(() => t.emulator.revokeUserTokens('ou_nobody')).toThrow('unknown user: ou_nobody');
  });
});
