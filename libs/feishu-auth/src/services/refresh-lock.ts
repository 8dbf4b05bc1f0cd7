import { Logger } from '@nestjs/common';
import type { ResolvedFeishuAuthOptions } from '../feishu-auth.options.js';
import type { FeishuTokenStore } from '../interfaces/feishu-token-store.interface.js';
import { sleep } from '../utils/backoff.util.js';
import { quoteInput } from '../utils/log-input.util.js';

const POLL_INTERVAL_MS = 50;

/**
 * The cross-instance half of single-flight: the store's leased lock decides which instance renews
 * a token; the others poll the store for its result, bounded by `refresh.lockWaitMs`, and take
 * over once the lock is free. Keys are the
 * token's own (`app:<appId>`, `user:<appId>:<openId>` …): keeping locks apart from the other
 * entries is the store's concern (`RedisTokenStore` writes them under `lock:`). Internal.
 */
export class RefreshLock {
  private readonly logger = new Logger(RefreshLock.name);

  constructor(
    private readonly store: FeishuTokenStore,
    private readonly options: ResolvedFeishuAuthOptions,
  ) {}

  acquire(key: string): Promise<string | undefined> {
    return this.store.acquireLock(key, this.options.refresh.lockLeaseMs);
  }

  async release(key: string, owner: string): Promise<void> {
    try {
      await this.store.releaseLock(key, owner);
    } catch (error) {
      // The lease frees it anyway; a failed release must not fail the renewal that succeeded.
      this.logger.warn(
        `Could not release the refresh lock of ${quoteInput(key)}: ${(error as Error).message}`,
      );
    }
  }

  /**
   * Polls `landed` until it answers the other instance's result, trying to take the lock on every
   * poll, so a waiter carries on with the renewal as soon as the holder released the lock without
   * a result or died and its lease ran out; bounded by `refresh.lockWaitMs`. Resolves with the
   * result, or with `owner` when the lock was taken (the caller must release it), or with neither.
   */
  async waitOrAcquire<R>(
    key: string,
    landed: () => Promise<R | undefined>,
  ): Promise<{ value?: R; owner?: string }> {
    const { clock } = this.options;
    const deadline = clock() + this.options.refresh.lockWaitMs;
    for (;;) {
      await sleep(this.pollIntervalMs());
      const value = await landed();
      if (value !== undefined) return { value };
      const owner = await this.acquire(key);
      if (owner) return { owner };
      if (clock() >= deadline) return {};
    }
  }

  private pollIntervalMs(): number {
    return Math.max(1, Math.min(POLL_INTERVAL_MS, this.options.refresh.lockWaitMs));
  }
}
