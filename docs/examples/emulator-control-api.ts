// Twin of the emulator README's control API sample (test/docs/readme-samples.spec.ts).
import type { FeishuEmulator } from '@feishu-auth/emulator';

declare const emulator: FeishuEmulator;
declare const token: string;
declare const openId: string;
declare const appId: string;
declare const uri: string;
declare const redirectUri: string;
declare const codeChallenge: string;

// #region control-api
emulator.stats();
emulator.resetStats();
emulator.failNext({ endpoint: 'token.v2.refresh_token', status: 503, code: 20072, times: 2 });
emulator.failNext({ endpoint: '/open-apis/auth/v3', delayMs: 500 }); // delay, then serve normally
emulator.failNext({ malformedBody: true }); // any endpoint: truncated JSON
emulator.failNext({ resetConnection: true });
emulator.clearFaults();
emulator.setTokenLifetimes({ accessToken: 60 });
emulator.invalidateToken(token); // any kind, as a secret reset would
emulator.invalidateTenantTokens('cli_emulator_selfbuilt');
emulator.revokeRefreshTokens(openId); // next refresh → 20064
emulator.expireUserTokens(openId); // the user's access tokens → 99991677; refresh still works
emulator.revokeUserTokens(openId); // access → 99991668 and refresh → 20064: sign in again
emulator.sentMessages(); // what apps sent with POST /open-apis/im/v1/messages
emulator.clearSentMessages();
emulator.openIdFor('cli_emulator_other', emulator.users[0]); // open_id is per app
emulator.findUser(openId); // the EmulatorUser of an open_id in any app
emulator.addRedirectUri(appId, uri);
emulator.addApp({ appId: 'cli_x' });
emulator.addUser({ openId: 'ou_…' });
emulator.updateUser(openId, { status: 'resigned' });
emulator.issueAuthorizationCode({
  appId,
  openId,
  scopes: ['offline_access'],
  redirectUri,
  codeChallenge,
  codeChallengeMethod: 'S256',
});
await emulator.pushAppTicket('cli_emulator_store');
// #endregion control-api
