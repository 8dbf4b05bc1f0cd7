// Twin of the emulator README's programmable route sample (test/docs/readme-samples.spec.ts).
import { EmulatorApiError, type FeishuEmulator } from '@feishu-auth/emulator';

declare const emulator: FeishuEmulator;

// #region routes
// An API the emulator does not serve: the gateway checks the token before the handler runs.
const tasks = emulator.route(
  'POST',
  '/open-apis/task/v2/tasks',
  (call) => {
    // call: { app, tenantKey, tokenType, user?, openId?, scopes, body, params, query, path, at }
    if (typeof call.body.summary !== 'string') {
      throw new EmulatorApiError(1470400, 'summary is required'); // HTTP 400 {code, msg, error}
    }
    return { task: { guid: 'task-1', summary: call.body.summary } }; // {code:0,msg,data}
  },
  { tokens: ['user'] }, // default: tenant and user tokens
);

// … the app under test calls POST /open-apis/task/v2/tasks …

tasks.calls; // what the app sent: [{ body: { summary: … }, openId: 'ou_…', tokenType: 'user', … }]
tasks.remove(); // later calls answer 404 again
emulator.sentMessages(); // messages sent with POST /open-apis/im/v1/messages
// #endregion routes
