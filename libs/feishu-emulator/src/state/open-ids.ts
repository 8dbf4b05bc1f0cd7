import { createHash } from 'node:crypto';

/**
 * The app whose open_ids are the users' own `openId` fields (`emulator.users[i].openId`), so code
 * written against the default app needs no translation.
 * @publicApi
 */
export const DEFAULT_APP_ID = 'cli_emulator_selfbuilt';

/**
 * A user's open_id in one app. Feishu scopes open_id to the app (union_id to the developer, user_id
 * to the tenant), so every other app sees another id: `ou_` + 32 hex of a SHA-256 of the app id and
 * the user's key (its default-app open_id), the same on every run.
 */
export function openIdInApp(appId: string, userKey: string): string {
  if (appId === DEFAULT_APP_ID) return userKey;
  const digest = createHash('sha256').update(`${appId}\u0000${userKey}`).digest('hex');
  return `ou_${digest.slice(0, 32)}`;
}
