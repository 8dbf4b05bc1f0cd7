import type { EmulatorUser } from '../emulator.options.js';
import type { Route } from '../emulator.runtime.js';
import { authenticateGateway } from '../http/gateway-auth.js';
import { sendFeishuError, sendJson } from '../http/responses.js';

/**
 * Sample OpenAPI routes for exercising tokens end to end. Each passes the gateway rules (rule 14)
 * and answers `{code:0,msg:"success",data}`.
 *
 * - `GET /open-apis/contact/v3/users/:user_id` (tenant token only; stats `openapi.contact.user`)
 * - `GET /open-apis/calendar/v4/calendars/primary` (user token only; stats `openapi.calendar.primary`)
 * - `GET /open-apis/authen/v1/sample/me` (user token only; stats `openapi.sample.me`)
 */
export const contactUserRoute: Route = {
  method: 'GET',
  pattern: '/open-apis/contact/v3/users/:user_id',
  shape: 'feishu',
  requiresWellFormedBody: false,
  badBodyCode: 9499,
  statsKey: () => 'openapi.contact.user',
  handle: (ctx, runtime) => {
    const token = authenticateGateway(ctx, runtime, 'tenant');
    if (!token) return;
    const idType = ctx.query.get('user_id_type') ?? 'open_id';
    const id = ctx.params.user_id;
    // open_id is per app: a tenant token of one app does not find users by another app's open_id.
    const user = runtime.users.find(
      (candidate) =>
        candidate.tenantKey === token.tenantKey &&
        ((idType === 'open_id' && runtime.openIdIn(token.appId, candidate) === id) ||
          (idType === 'union_id' && candidate.unionId === id) ||
          (idType === 'user_id' && candidate.userId === id)),
    );
    if (!user) {
      sendFeishuError(ctx.response, 400, 41050, 'no user authority error');
      return;
    }
    const data = { user: contactUser(user, runtime.openIdIn(token.appId, user)) };
    sendJson(ctx.response, 200, { code: 0, msg: 'success', data });
  },
};

export const calendarPrimaryRoute: Route = {
  method: 'GET',
  pattern: '/open-apis/calendar/v4/calendars/primary',
  shape: 'feishu',
  requiresWellFormedBody: false,
  badBodyCode: 9499,
  statsKey: () => 'openapi.calendar.primary',
  handle: (ctx, runtime) => {
    const token = authenticateGateway(ctx, runtime, 'user');
    if (!token) return;
    const user = runtime.findUser(token.userKey);
    sendJson(ctx.response, 200, {
      code: 0,
      msg: 'success',
      data: {
        calendars: [
          {
            calendar: {
              calendar_id: `feishu.cn_${(token.userKey ?? '').replace(/^ou_/, '')}@group.calendar.feishu.cn`,
              summary: user?.name ?? '',
              type: 'primary',
              role: 'owner',
            },
            user_id: user ? runtime.openIdIn(token.appId, user) : '',
          },
        ],
      },
    });
  },
};

export const sampleMeRoute: Route = {
  method: 'GET',
  pattern: '/open-apis/authen/v1/sample/me',
  shape: 'feishu',
  requiresWellFormedBody: false,
  badBodyCode: 9499,
  statsKey: () => 'openapi.sample.me',
  handle: (ctx, runtime) => {
    const token = authenticateGateway(ctx, runtime, 'user');
    if (!token) return;
    const user = runtime.findUser(token.userKey);
    sendJson(ctx.response, 200, {
      code: 0,
      msg: 'success',
      data: {
        open_id: user ? runtime.openIdIn(token.appId, user) : '',
        tenant_key: token.tenantKey,
        app_id: token.appId,
        scope: token.scopes.join(' '),
      },
    });
  },
};

function contactUser(user: EmulatorUser, openId: string): Record<string, unknown> {
  return {
    open_id: openId,
    union_id: user.unionId,
    user_id: user.userId,
    name: user.name,
    en_name: user.enName,
    email: user.email,
    enterprise_email: user.enterpriseEmail,
    mobile: user.mobile,
    employee_no: user.employeeNo,
    avatar: {
      avatar_72: user.avatarUrl,
      avatar_240: user.avatarUrl,
      avatar_640: user.avatarUrl,
      avatar_origin: user.avatarUrl,
    },
    status: {
      is_frozen: user.status === 'frozen',
      is_resigned: user.status === 'resigned',
      is_activated: user.status === 'active',
      is_exited: false,
      is_unjoin: user.status === 'unregistered',
    },
  };
}
