/**
 * Store role: the due index, which says when each user's tokens must be renewed, so that any
 * instance renews them in the background (users who are not making requests keep a valid grant).
 * Reading it costs time in proportion to what it returns, not to everything stored.
 *
 * @publicApi
 */
export interface FeishuRefreshSchedule {
  /**
   * `member` (e.g. `user:<appId>:<openId>`) should be refreshed at `dueAt` (epoch ms); scheduling
   * it again moves it. Apps may share one index; each renews only the members that name it.
   */
  scheduleRefresh(member: string, dueAt: number): Promise<void>;
  unscheduleRefresh(member: string): Promise<void>;
  /** Up to `limit` members whose `dueAt` is at or before `now`, earliest first; they stay indexed. */
  getDue(now: number, limit: number): Promise<string[]>;
}
