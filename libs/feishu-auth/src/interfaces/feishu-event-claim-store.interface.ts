/**
 * Store role: the events already handled, so that an event Feishu delivers again (or an attacker
 * replays) is handled once across every instance.
 *
 * @publicApi
 */
export interface FeishuEventClaimStore {
  /**
   * Records that an event (`<appId>:<event id>`) is being handled, for `ttlSeconds`. Resolves `true`
   * the first time, `false` while the id is recorded: of concurrent claims, exactly one gets `true`.
   */
  claimEvent(eventKey: string, ttlSeconds: number): Promise<boolean>;
}
