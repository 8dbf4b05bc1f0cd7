import { randomBytes } from 'node:crypto';
import type { FeishuSessionRecord } from '../interfaces/feishu-session-store.interface.js';
import type { FeishuUserTokenRecord } from '../interfaces/feishu-user-token-store.interface.js';

/** The app holding the user records the contract writes. */
export const APP_ID = 'cli_store_test';

/** Retries `read` until `done` holds or a real-time deadline passes; returns the last value read. */
export async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() >= deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export function isUndefined(value: unknown): boolean {
  return value === undefined;
}

export function isDefined(value: unknown): boolean {
  return value !== undefined;
}

export function randomToken(length: number): string {
  return randomBytes(Math.ceil((length * 3) / 4))
    .toString('base64url')
    .slice(0, length);
}

export function userRecord(now: number, openId: string): FeishuUserTokenRecord {
  return {
    appId: APP_ID,
    openId,
    tenantKey: 'tk1',
    accessToken: 'u-' + randomToken(40),
    accessTokenExpiresAt: now + 7_200_000,
    refreshToken: 'ur-' + randomToken(40),
    refreshTokenExpiresAt: now + 30 * 86_400_000,
    scope: 'offline_access contact:user.base:readonly',
    issuer: 'v2',
    updatedAt: now,
  };
}

export function sessionRecord(now: number, id: string, openId: string): FeishuSessionRecord {
  return {
    id,
    openId,
    profile: {
      openId,
      unionId: 'on_' + openId,
      tenantKey: 'tk1',
      name: '张三 Zhang',
      avatarUrl: 'https://example.com/a.png',
    },
    createdAt: now,
    expiresAt: now + 3_600_000,
  };
}
