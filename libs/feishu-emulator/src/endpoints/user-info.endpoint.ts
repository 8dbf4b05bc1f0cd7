import type { EmulatorApp, EmulatorUser } from '../emulator.options.js';
import type { Route } from '../emulator.runtime.js';
import { authenticateGateway } from '../http/gateway-auth.js';
import { sendFeishuError, sendJson } from '../http/responses.js';

export const USER_INFO_PATH = '/open-apis/authen/v1/user_info';

const UNAVAILABLE_STATUS_CODES: Partial<Record<EmulatorUser['status'], number>> = {
  resigned: 20021,
  frozen: 20022,
  unregistered: 20023,
};

const EMPLOYEE_NO_SCOPES = [
  'contact:user.employee:readonly',
  'contact:contact:access_as_app',
  'contact:contact:readonly',
  'contact:contact:readonly_as_app',
];

/** `GET /open-apis/authen/v1/user_info` with a user access token (rule 13). */
export const userInfoRoute: Route = {
  method: 'GET',
  pattern: USER_INFO_PATH,
  shape: 'feishu',
  requiresWellFormedBody: false,
  badBodyCode: 9499,
  statsKey: () => 'user_info',
  handle: (ctx, runtime) => {
    const token = authenticateGateway(ctx, runtime, 'user');
    if (!token) return;
    const user = runtime.findUser(token.userKey);
    const app = runtime.findApp(token.appId);
    if (!user || !app) {
      sendFeishuError(ctx.response, 200, 20008);
      return;
    }
    const unavailable = UNAVAILABLE_STATUS_CODES[user.status];
    if (unavailable !== undefined) {
      sendFeishuError(ctx.response, 200, unavailable);
      return;
    }
    const data = userInfoData(user, app, runtime.openIdIn(app.appId, user));
    sendJson(ctx.response, 200, { code: 0, msg: 'success', data });
  },
};

/** The profile fields, each gated by the scopes enabled for the app (D-UINFO); open_id is the app's. */
export function userInfoData(
  user: EmulatorUser,
  app: EmulatorApp,
  openId: string,
): Record<string, string> {
  const has = (scope: string): boolean => app.scopes.includes(scope);
  const data: Record<string, string> = {
    name: user.name,
    en_name: user.enName,
    avatar_url: user.avatarUrl,
    avatar_thumb: user.avatarUrl,
    avatar_middle: user.avatarUrl,
    avatar_big: user.avatarUrl,
    open_id: openId,
    union_id: user.unionId,
    tenant_key: user.tenantKey,
  };
  if (has('contact:user.email:readonly')) data.email = user.email;
  if (has('contact:user.employee:readonly')) data.enterprise_email = user.enterpriseEmail;
  if (has('contact:user.employee_id:readonly')) data.user_id = user.userId;
  if (has('contact:user.phone:readonly')) data.mobile = user.mobile;
  if (EMPLOYEE_NO_SCOPES.some(has) && user.employeeNo !== '') data.employee_no = user.employeeNo;
  return data;
}
