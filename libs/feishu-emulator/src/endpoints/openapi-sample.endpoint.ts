import { openApiRoute } from '../openapi/openapi-route.js';

/**
 * `GET /open-apis/calendar/v4/calendars/primary` (user token only): the user's primary calendar.
 * Stats `openapi.calendar.primary`.
 */
export const calendarPrimaryRoute = openApiRoute({
  method: 'GET',
  pattern: '/open-apis/calendar/v4/calendars/primary',
  statsKey: 'openapi.calendar.primary',
  tokens: ['user'],
  handle: (call) => ({
    calendars: [
      {
        calendar: {
          calendar_id: `feishu.cn_${(call.user?.openId ?? '').replace(/^ou_/, '')}@group.calendar.feishu.cn`,
          summary: call.user?.name ?? '',
          type: 'primary',
          role: 'owner',
        },
        user_id: call.openId ?? '',
      },
    ],
  }),
});

/**
 * `GET /open-apis/authen/v1/sample/me` (user token only; the emulator's own): who the token is for,
 * `{open_id, tenant_key, app_id, scope}`. Stats `openapi.sample.me`.
 */
export const sampleMeRoute = openApiRoute({
  method: 'GET',
  pattern: '/open-apis/authen/v1/sample/me',
  statsKey: 'openapi.sample.me',
  tokens: ['user'],
  handle: (call) => ({
    open_id: call.openId ?? '',
    tenant_key: call.tenantKey,
    app_id: call.app.appId,
    scope: call.scopes.join(' '),
  }),
});
