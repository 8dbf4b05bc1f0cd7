import { FeishuEmulator } from '@feishu-auth/emulator';

let emulator: FeishuEmulator;
let now = Date.now();
beforeAll(async () => {
  emulator = await FeishuEmulator.start({ clock: () => now });
});
afterAll(() => emulator.close());

it('refreshes an expired token', async () => {
  const code = emulator.issueAuthorizationCode({
    appId: 'cli_emulator_selfbuilt',
    openId: emulator.users[0].openId,
    scopes: ['offline_access'],
  });
  // … exchange it with your app against emulator.url …
  now += 7200 * 1000; // the access token is now expired (99991677)
});
