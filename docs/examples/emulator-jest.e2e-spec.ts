import { FeishuEmulator } from '@feishu-auth/emulator';

let emulator: FeishuEmulator;
let now = Date.now();
beforeAll(async () => {
  emulator = await FeishuEmulator.start({ clock: () => now });
});
afterAll(() => emulator.close());

it('expires a user token when its time is up', async () => {
  const code = emulator.issueAuthorizationCode({
    appId: 'cli_emulator_selfbuilt',
    openId: emulator.users[0].openId,
    scopes: ['offline_access'],
  });
  // What your app does with the code (the in-app login): the v2 token endpoint.
  const exchange = await fetch(`${emulator.url}/open-apis/authen/v2/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      grant_type: 'authorization_code',
      client_id: 'cli_emulator_selfbuilt',
      client_secret: 'emulator-self-built-secret',
      code,
    }),
  });
  const { access_token } = (await exchange.json()) as { access_token: string };
  now += 7200 * 1000; // the access token is now expired (99991677)
  const userInfo = await fetch(`${emulator.url}/open-apis/authen/v1/user_info`, {
    headers: { authorization: `Bearer ${access_token}` },
  });
  expect(((await userInfo.json()) as { code: number }).code).toBe(99991677);
});
