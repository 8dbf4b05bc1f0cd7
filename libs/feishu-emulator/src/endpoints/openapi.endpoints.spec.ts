import { FeishuEmulator } from '../emulator.js';
import {
  callApi,
  type ClientApp,
  emulatorPerTest,
  type Json,
  OTHER,
  SELF_BUILT,
  tenantToken as tenantTokenOf,
  userTokens,
} from '../emulator.spec-harness.js';

const MESSAGES = '/open-apis/im/v1/messages';
const text = (value: string) => JSON.stringify({ text: value });

describe('tenant query, contact user and im messages', () => {
  const t = emulatorPerTest();

  const call = (method: string, path: string, token?: string, body?: Json) =>
    callApi(t.emulator, method, path, token, body);
  const tenantToken = (app: ClientApp = SELF_BUILT) => tenantTokenOf(t.emulator, app);
  const userToken = async (openId: string) =>
    String((await userTokens(t.emulator, openId)).access_token);
  const send = (token: string, query: string, body: Json) =>
    call('POST', `${MESSAGES}${query}`, token, body);

  describe('GET /open-apis/tenant/v2/tenant/query', () => {
    it("should answer the tenant token's company", async () => {
      expect(await call('GET', '/open-apis/tenant/v2/tenant/query', await tenantToken())).toEqual({
        status: 200,
        body: {
          code: 0,
          msg: 'success',
          data: {
            tenant: {
              name: 'Emulator Tenant One',
              display_id: 'F000000001',
              tenant_tag: 0,
              tenant_key: 'tenant_emulator_1',
              avatar: expect.objectContaining({ avatar_72: expect.stringMatching(/^data:/) }),
            },
          },
        },
      });
      expect(t.emulator.stats()['openapi.tenant.query']).toBe(1);
    });

    it('should answer the tenants option, and defaults named by the key for an unlisted tenant', async () => {
      await t.emulator.close();
      t.emulator = await FeishuEmulator.start({
        tenants: [{ tenantKey: 'tenant_emulator_1', name: 'ACME', displayId: 'F42' }],
        apps: [
          { appId: 'cli_a', tenantKeys: ['tenant_emulator_1'] },
          { appId: 'cli_b', tenantKeys: ['t_b'] },
        ],
      });
      const query = async (appId: string) =>
        (
          await call(
            'GET',
            '/open-apis/tenant/v2/tenant/query',
            await tenantToken({ appId, secret: `${appId}-secret` }),
          )
        ).body.data;
      expect(await query('cli_a')).toMatchObject({
        tenant: { name: 'ACME', display_id: 'F42', tenant_key: 'tenant_emulator_1' },
      });
      expect(await query('cli_b')).toMatchObject({
        tenant: { name: 't_b', display_id: 'FTB', tenant_key: 't_b' },
      });
    });

    it('should add the domain only for an app with tenant:tenant.domain:read', async () => {
      t.emulator.addApp({ appId: 'cli_domain', scopes: ['tenant:tenant.domain:read'] });
      const token = await tenantToken({ appId: 'cli_domain', secret: 'cli_domain-secret' });
      const { body } = await call('GET', '/open-apis/tenant/v2/tenant/query', token);
      expect(body).toMatchObject({ data: { tenant: { domain: 'emulator-one.feishu.cn' } } });
    });

    it('should refuse no token (99991661), a user token (99991668) and an expired tenant token (99991663), each HTTP 400', async () => {
      const path = '/open-apis/tenant/v2/tenant/query';
      const tat = await tenantToken();
      expect(await call('GET', path)).toMatchObject({ status: 400, body: { code: 99991661 } });
      expect(await call('GET', path, await userToken(t.emulator.users[0].openId))).toMatchObject({
        status: 400,
        body: { code: 99991668, msg: 'user access token not support' },
      });
      t.now += 7200_000;
      expect(await call('GET', path, tat)).toMatchObject({ status: 400, body: { code: 99991663 } });
    });
  });

  describe('GET /open-apis/contact/v3/users/:user_id', () => {
    it('should find a user by open_id, union_id or user_id with a tenant or a user token', async () => {
      const [user, second] = t.emulator.users;
      const tat = await tenantToken();
      const uat = await userToken(second.openId);
      for (const [type, id] of [
        ['open_id', user.openId],
        ['union_id', user.unionId],
        ['user_id', user.userId],
      ]) {
        for (const token of [tat, uat]) {
          const { body } = await call(
            'GET',
            `/open-apis/contact/v3/users/${id}?user_id_type=${type}`,
            token,
          );
          expect(body).toMatchObject({
            code: 0,
            data: { user: { open_id: user.openId, name: user.name } },
          });
        }
      }
    });

    it('should answer 99992402 for an unknown user_id_type and 41050 for a user of another tenant', async () => {
      const tat = await tenantToken();
      const [user] = t.emulator.users;
      const other = t.emulator.users.find((candidate) => candidate.tenantKey !== user.tenantKey)!;
      expect(
        await call('GET', `/open-apis/contact/v3/users/${user.email}?user_id_type=email`, tat),
      ).toMatchObject({
        status: 400,
        body: {
          code: 99992402,
          msg: 'field validation failed',
          error: { field_violations: [expect.objectContaining({ field: 'user_id_type' })] },
        },
      });
      expect(await call('GET', `/open-apis/contact/v3/users/${other.openId}`, tat)).toMatchObject({
        status: 400,
        body: { code: 41050 },
      });
    });
  });

  describe('POST /open-apis/im/v1/messages', () => {
    it('should send a text message as the bot, answer it and keep it', async () => {
      const [user] = t.emulator.users;
      const { status, body } = await send(await tenantToken(), '?receive_id_type=open_id', {
        receive_id: user.openId,
        msg_type: 'text',
        content: text('hello'),
      });
      expect(status).toBe(200);
      expect(body).toEqual({
        code: 0,
        msg: 'success',
        data: {
          message_id: expect.stringMatching(/^om_[0-9a-f]{32}$/),
          msg_type: 'text',
          create_time: String(t.now),
          update_time: String(t.now),
          deleted: false,
          updated: false,
          chat_id: expect.stringMatching(/^oc_[0-9a-f]{32}$/),
          sender: {
            id: SELF_BUILT.appId,
            id_type: 'app_id',
            sender_type: 'app',
            tenant_key: 'tenant_emulator_1',
          },
          body: { content: text('hello') },
        },
      });
      const data = body.data as Json;
      expect(t.emulator.sentMessages()).toEqual([
        {
          messageId: data.message_id,
          appId: SELF_BUILT.appId,
          tenantKey: 'tenant_emulator_1',
          chatId: data.chat_id,
          receiveIdType: 'open_id',
          receiveId: user.openId,
          receiverOpenId: user.openId,
          msgType: 'text',
          content: text('hello'),
          sender: { type: 'app', id: SELF_BUILT.appId },
          uuid: undefined,
          createdAt: t.now,
        },
      ]);
      expect(t.emulator.stats()['openapi.im.message.create']).toBe(1);
    });

    it('should send as the user with a user token, to a user named by union_id, user_id or email', async () => {
      const [user, second] = t.emulator.users;
      const uat = await userToken(user.openId);
      for (const [type, id] of [
        ['union_id', second.unionId],
        ['user_id', second.userId],
        ['email', second.email],
      ]) {
        const { body } = await send(uat, `?receive_id_type=${type}`, {
          receive_id: id,
          msg_type: 'text',
          content: text(type),
        });
        expect(body).toMatchObject({
          code: 0,
          data: { sender: { id: user.openId, sender_type: 'user' } },
        });
      }
      const sent = t.emulator.sentMessages();
      expect(sent.map((message) => message.receiverOpenId)).toEqual(Array(3).fill(second.openId));
      expect(new Set(sent.map((message) => message.chatId)).size).toBe(1);
    });

    it('should answer 99992402 without receive_id_type or a required field', async () => {
      const tat = await tenantToken();
      const body = { receive_id: t.emulator.users[0].openId, msg_type: 'text', content: text('x') };
      for (const [query, payload, field] of [
        ['', body, 'receive_id_type'],
        ['?receive_id_type=phone', body, 'receive_id_type'],
        ['?receive_id_type=open_id', { ...body, receive_id: undefined }, 'receive_id'],
        ['?receive_id_type=open_id', { ...body, content: { text: 'x' } }, 'content'],
      ] as const) {
        expect(await send(tat, query, payload)).toMatchObject({
          status: 400,
          body: {
            code: 99992402,
            error: { field_violations: [expect.objectContaining({ field })] },
          },
        });
      }
      expect(t.emulator.sentMessages()).toEqual([]);
    });

    it('should answer 230001 for text content that is not {"text": "…"} JSON, and send nothing', async () => {
      const tat = await tenantToken();
      for (const content of ['hello', '{"title":"x"}', '{"text":""}']) {
        const { status, body } = await send(tat, '?receive_id_type=open_id', {
          receive_id: t.emulator.users[0].openId,
          msg_type: 'text',
          content,
        });
        expect(status).toBe(400);
        expect(body).toMatchObject({
          code: 230001,
          msg: expect.stringMatching(/^Your request contains an invalid request parameter, ext=/),
        });
      }
      expect(t.emulator.sentMessages()).toEqual([]);
    });

    it("should refuse another app's open_id (99992361), an unknown id (230001) and a resigned user (230013)", async () => {
      const tat = await tenantToken();
      const [user] = t.emulator.users;
      const resigned = t.emulator.users.find((candidate) => candidate.status === 'resigned')!;
      const to = (receiveId: string) =>
        send(tat, '?receive_id_type=open_id', {
          receive_id: receiveId,
          msg_type: 'text',
          content: text('x'),
        });
      expect(await to(t.emulator.openIdFor(OTHER.appId, user))).toMatchObject({
        status: 400,
        body: { code: 99992361, msg: 'open_id cross app' },
      });
      expect(await to('ou_nobody')).toMatchObject({
        status: 400,
        body: { code: 230001, msg: expect.stringContaining('ext=invalid receive_id') },
      });
      expect(await to(resigned.openId)).toMatchObject({ status: 400, body: { code: 230013 } });
    });

    it('should send to an oc_ chat and answer the first message again for a repeated uuid', async () => {
      const tat = await tenantToken();
      const message = {
        receive_id: 'oc_team',
        msg_type: 'text',
        content: text('once'),
        uuid: 'u-1',
      };
      const first = await send(tat, '?receive_id_type=chat_id', message);
      const again = await send(tat, '?receive_id_type=chat_id', message);
      expect(first.body).toMatchObject({ code: 0, data: { chat_id: 'oc_team' } });
      expect((again.body.data as Json).message_id).toBe((first.body.data as Json).message_id);
      expect(t.emulator.sentMessages()).toHaveLength(1);
      t.now += 3600_000;
      await send(tat, '?receive_id_type=chat_id', message);
      expect(t.emulator.sentMessages()).toHaveLength(2);
    });

    it('should list and clear sent messages through the control API', async () => {
      await send(await tenantToken(), '?receive_id_type=chat_id', {
        receive_id: 'oc_team',
        msg_type: 'text',
        content: text('x'),
      });
      const listed = await call('GET', '/__emulator/messages');
      expect(listed.body).toEqual([
        expect.objectContaining({ chatId: 'oc_team', content: text('x') }),
      ]);
      await call('POST', '/__emulator/clear-messages');
      expect((await call('GET', '/__emulator/messages')).body).toEqual([]);
    });
  });
});
