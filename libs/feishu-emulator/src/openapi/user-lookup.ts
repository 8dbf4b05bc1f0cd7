import type { EmulatorApp, EmulatorUser } from '../emulator.options.js';
import type { EmulatorRuntime } from '../emulator.runtime.js';

/** The ids Feishu names a user by: open_id is per app, union_id per developer, user_id per tenant. */
export const USER_ID_TYPES = ['open_id', 'union_id', 'user_id'] as const;
export type UserIdType = (typeof USER_ID_TYPES)[number];

export const isUserIdType = (value: string): value is UserIdType =>
  (USER_ID_TYPES as readonly string[]).includes(value);

/**
 * The user of `tenantKey` that `app` knows by `id`. Another app's open_id names nobody here, as on
 * Feishu.
 */
export function findUserById(
  runtime: EmulatorRuntime,
  app: EmulatorApp,
  tenantKey: string,
  idType: UserIdType | 'email',
  id: string,
): EmulatorUser | undefined {
  return runtime.users.find(
    (user) => user.tenantKey === tenantKey && userIdOf(runtime, app, user, idType) === id,
  );
}

/** Whether `id` is some user's open_id in an app other than `app` (Feishu: "open_id cross app"). */
export function isOtherAppsOpenId(runtime: EmulatorRuntime, app: EmulatorApp, id: string): boolean {
  return runtime.apps.some(
    (other) => other.appId !== app.appId && runtime.findUserInApp(other.appId, id) !== undefined,
  );
}

function userIdOf(
  runtime: EmulatorRuntime,
  app: EmulatorApp,
  user: EmulatorUser,
  idType: UserIdType | 'email',
): string {
  switch (idType) {
    case 'open_id':
      return runtime.openIdIn(app.appId, user);
    case 'union_id':
      return user.unionId;
    case 'user_id':
      return user.userId;
    case 'email':
      return user.email;
  }
}
