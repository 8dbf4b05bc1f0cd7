import { randomBytes, randomInt } from 'node:crypto';
import type { FeishuUserTokenRecord } from '@feishu-auth/nestjs';
import { SELF_BUILT } from './app-options.js';

const HEADER = Buffer.from('{"alg":"ES256","kid":"bench","typ":"JWT"}').toString('base64url');
const DAY_MS = 86_400_000;

/** A JWT-shaped token of 1–2 KB, as Feishu's v2 user tokens are (the docs give that range). */
export function jwtLikeToken(): string {
  const length = randomInt(1024, 2049);
  const body = randomBytes(Math.ceil((length * 3) / 4)).toString('base64url');
  const token = `${HEADER}.${body}`;
  return token.slice(0, length - 87) + '.' + randomBytes(64).toString('base64url');
}

export function benchOpenId(index: number): string {
  return `ou_bench_${index.toString(16).padStart(28, '0')}`;
}

/** A user's record as the library stores it, due for refresh in a day (so not due now). */
export function fakeRecord(index: number, now: number): FeishuUserTokenRecord {
  return {
    appId: SELF_BUILT.appId,
    openId: benchOpenId(index),
    tenantKey: 'tenant_emulator_1',
    accessToken: jwtLikeToken(),
    accessTokenExpiresAt: now + DAY_MS,
    refreshToken: jwtLikeToken(),
    refreshTokenExpiresAt: now + 7 * DAY_MS,
    scope: 'offline_access contact:user.base:readonly',
    issuer: 'v2',
    updatedAt: now,
  };
}

/** Runs `work(i)` for i in [0, count) with at most `concurrency` in flight. */
export async function forEachLimited(
  count: number,
  concurrency: number,
  work: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < count) await work(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
}
