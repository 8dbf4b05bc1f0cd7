import type { FeishuProfile } from './feishu-profile.interface.js';

/**
 * A browser session. The cookie carries only `id` (signed); everything else stays server-side.
 *
 * @publicApi
 */
export interface FeishuSessionRecord {
  id: string;
  openId: string;
  profile: FeishuProfile;
  /** Epoch milliseconds. */
  createdAt: number;
  /** Epoch milliseconds. */
  expiresAt: number;
}

/**
 * Store role: browser sessions, read on every request a session cookie (or `X-Feishu-Session`)
 * authenticates, so that a session ends on every instance at once.
 *
 * @publicApi
 */
export interface FeishuSessionStore {
  getSession(id: string): Promise<FeishuSessionRecord | undefined>;
  setSession(record: FeishuSessionRecord, ttlSeconds: number): Promise<void>;
  deleteSession(id: string): Promise<void>;
}
