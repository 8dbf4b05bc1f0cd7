import type { EmulatorUser } from '../emulator.options.js';
import { EmulatorApiError, fieldValidationError } from '../openapi/openapi-call.js';
import { openApiRoute } from '../openapi/openapi-route.js';
import { findUserById, isUserIdType, USER_ID_TYPES } from '../openapi/user-lookup.js';

/**
 * `GET /open-apis/contact/v3/users/:user_id?user_id_type=open_id|union_id|user_id` (tenant or user
 * token): `data.user` of a user in the token's tenant. `user_id_type` defaults to `open_id`, which
 * is the open_id in the token's app; another value is 99992402. A user the app cannot see (another
 * tenant, another app's open_id, unknown) is HTTP 400 41050. Stats `openapi.contact.user`.
 */
export const contactUserRoute = openApiRoute({
  method: 'GET',
  pattern: '/open-apis/contact/v3/users/:user_id',
  statsKey: 'openapi.contact.user',
  tokens: ['tenant', 'user'],
  handle: (call, runtime) => {
    const idType = call.query.user_id_type ?? 'open_id';
    if (!isUserIdType(idType)) {
      throw fieldValidationError(
        'user_id_type',
        `user_id_type must be one of ${USER_ID_TYPES.join(', ')}`,
      );
    }
    const user = findUserById(runtime, call.app, call.tenantKey, idType, call.params.user_id);
    if (!user) throw new EmulatorApiError(41050, 'no user authority error');
    return { user: contactUser(user, runtime.openIdIn(call.app.appId, user)) };
  },
});

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
