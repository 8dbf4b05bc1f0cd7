import { Inject, Injectable } from '@nestjs/common';
import { FEISHU_AUTH_OPTIONS } from '../feishu-auth.constants.js';
import { FeishuStoreUnavailableError } from '../feishu-auth.errors.js';
import type { ResolvedFeishuAuthOptions } from '../feishu-auth.options.js';
import {
  FeishuTokenStore,
  type FeishuUserTokenRecord,
} from '../interfaces/feishu-token-store.interface.js';
import { sleep } from '../utils/backoff.util.js';
import { schedulerLeadMs, userRecordTtlSeconds, userTokenDueAt } from './renewal-policy.js';
import { TokenStatusTracker } from './token-status.tracker.js';

const USER_PREFIX = 'user:';
/** Pause between attempts to store rotated tokens the store refused (e.g. during a Redis failover). */
const ROTATED_WRITE_RETRY_MS = 100;

/**
 * Writes users' tokens to the store: kept as long as they can produce an access token, a write
 * no replica confirmed reported, the proactive refresh scheduled. Rotated tokens are written again
 * while the store is unavailable for a moment. Internal.
 */
@Injectable()
export class UserTokenWriter {
  constructor(
    @Inject(FEISHU_AUTH_OPTIONS) private readonly options: ResolvedFeishuAuthOptions,
    @Inject(FeishuTokenStore) private readonly store: FeishuTokenStore,
    private readonly status: TokenStatusTracker,
  ) {}

  /**
   * Due-index member and lock key of one of this app's users, e.g. `user:cli_123:ou_abc`: apps
   * sharing a store must not renew each other's users (Feishu refuses another app's refresh token
   * with 20024, after which the record would be deleted).
   */
  key(openId: string): string {
    return `${USER_PREFIX}${this.options.appId}:${openId}`;
  }

  /** The open id in a due-index member of this app's users; `undefined` for anything else. */
  parseKey(member: string): string | undefined {
    const prefix = `${USER_PREFIX}${this.options.appId}:`;
    if (!member.startsWith(prefix)) return undefined;
    return member.slice(prefix.length) || undefined;
  }

  async write(record: FeishuUserTokenRecord): Promise<void> {
    const ttlSeconds = userRecordTtlSeconds(record, this.options.clock());
    const write = await this.store.setUserToken(record, ttlSeconds);
    if (write && !write.replicated) this.status.unreplicated(record.openId);
    await this.schedule(record);
  }

  /**
   * The only copy of the new refresh token is in this process: while the store is unavailable (a
   * Redis failover, until a replica has taken over) the write is tried again until `retryUntil`,
   * holding the lock, so no other instance refreshes with the retired token meanwhile.
   */
  async writeRotated(record: FeishuUserTokenRecord, retryUntil: number): Promise<void> {
    // Bounded by attempts too, should the clock be a test's that does not move.
    const attempts = Math.floor(this.options.refresh.lockLeaseMs / 2 / ROTATED_WRITE_RETRY_MS);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.write(record);
      } catch (error) {
        const retry =
          attempt < attempts && this.options.clock() + ROTATED_WRITE_RETRY_MS < retryUntil;
        if (!(error instanceof FeishuStoreUnavailableError) || !retry) throw error;
        await sleep(ROTATED_WRITE_RETRY_MS);
      }
    }
  }

  /** Plans the user's proactive refresh one scheduler lead before it is due (if enabled). */
  async schedule(record: FeishuUserTokenRecord): Promise<void> {
    if (!this.options.refresh.proactiveUserRefresh || !record.refreshToken) return;
    const dueAt = userTokenDueAt(record, this.options.refresh);
    await this.store.scheduleRefresh(
      this.key(record.openId),
      dueAt - schedulerLeadMs(this.options.refresh),
    );
  }
}
