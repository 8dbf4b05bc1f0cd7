import { Inject, Injectable } from '@nestjs/common';
import { FEISHU_AUTH_OPTIONS } from '../feishu-auth.constants.js';
import type { ResolvedFeishuAuthOptions } from '../feishu-auth.options.js';
import { FeishuTokenStore } from '../interfaces/feishu-token-store.interface.js';
import { SingleFlight } from '../utils/single-flight.util.js';
import { RefreshLock } from './refresh-lock.js';
import { FeishuRefreshLockTimeoutError } from './refresh-lock-timeout.error.js';
import { retryAfterFailureAt } from './renewal-policy.js';
import { type FeishuTokenKind, TokenStatusTracker } from './token-status.tracker.js';

/** One token's renewal, as the refresher runs it; `R` is what the renewal answers. */
export interface RenewalTask<R> {
  /** Single-flight and lock key, e.g. `tenant:cli_123:internal`, `user:cli_123:ou_abc`. */
  key: string;
  kind: FeishuTokenKind;
  /** Runs holding the lock: looks at the store again (another instance may have renewed) and renews. */
  renew(): Promise<R>;
  /**
   * Polled while another instance holds the lock: that instance's result once it is in the store,
   * else `undefined`. May throw to end the wait (e.g. the user's tokens were deleted).
   */
  landed(): Promise<R | undefined>;
  /** After `refresh.lockWaitMs` with neither a result nor the lock: what can still be served. */
  stale(): R | undefined;
}

/**
 * Runs the renewals of app, tenant and user tokens, one behaviour for all three:
 * - single-flight in the process: callers of the same key share one renewal;
 * - the store's lock across processes: one instance renews, the others poll the store for its
 *   result and take over as soon as the lock is free (released without a result, or its lease ran
 *   out), for at most `refresh.lockWaitMs`, then serve what is still valid or throw
 *   `FeishuRefreshLockTimeoutError`;
 * - background and scheduled renewals never wait for another instance, never throw, and are
 *   skipped while a failed renewal backs off;
 * - failures are counted, reported once through `TokenStatusTracker`, and backed off
 *   (`retryAfterFailureAt`).
 * What differs between token kinds is the task's. Internal.
 */
@Injectable()
export class TokenRefresher {
  private readonly flights = new SingleFlight<unknown>();
  private readonly lock: RefreshLock;
  private readonly attempts = new Map<string, number>();
  private readonly retryAfter = new Map<string, number>();

  constructor(
    @Inject(FEISHU_AUTH_OPTIONS) private readonly options: ResolvedFeishuAuthOptions,
    @Inject(FeishuTokenStore) store: FeishuTokenStore,
    private readonly status: TokenStatusTracker,
  ) {
    this.lock = new RefreshLock(store, options);
  }

  /** Whether a renewal of `key` runs in this process. */
  isRenewing(key: string): boolean {
    return this.flights.has(key);
  }

  /**
   * Renews, or joins the renewal in flight; `undefined` when another instance holds the lock (it
   * is renewing). For the scheduler; throws what the renewal throws.
   */
  tryRenew<R>(task: RenewalTask<R>): Promise<R | undefined> {
    return this.flight(task, false);
  }

  /**
   * Renews behind a caller served a still-valid token: skipped while one runs or a failed one
   * backs off. Never throws (failures are the task's to report).
   */
  renewInBackground<R>(task: RenewalTask<R>): void {
    if (this.flights.has(task.key) || this.isBackingOff(task.key)) return;
    void this.flight(task, false).catch(() => undefined);
  }

  /** For a caller that cannot be served without the renewal: joins or starts it, waiting for others. */
  async renewAndWait<R>(task: RenewalTask<R>): Promise<R> {
    // A background renewal in flight may have given up to another instance's lock: then wait ourselves.
    const renewed = (await this.flight(task, true)) ?? (await this.flight(task, true));
    if (renewed === undefined) {
      throw new FeishuRefreshLockTimeoutError(task.kind, this.options.refresh.lockWaitMs);
    }
    return renewed;
  }

  /** Counts and reports a failed renewal; answers when to try again (epoch ms). */
  failed(
    key: string,
    report: { kind: FeishuTokenKind; subject: string; error: Error; stillValid: boolean },
  ): number {
    const attempt = (this.attempts.get(key) ?? 0) + 1;
    this.attempts.set(key, attempt);
    const retryAt = retryAfterFailureAt(attempt, this.options.clock());
    this.retryAfter.set(key, retryAt);
    this.status.failed(report.kind, report.subject, report.error, report.stillValid);
    return retryAt;
  }

  /** Ends a failure streak (a renewal succeeded, or the token was forgotten). */
  succeeded(key: string): void {
    this.attempts.delete(key);
    this.retryAfter.delete(key);
  }

  /** No renewal before this (epoch ms), after a failure; 0 when not backing off. */
  notBefore(key: string): number {
    return this.retryAfter.get(key) ?? 0;
  }

  private isBackingOff(key: string): boolean {
    return this.options.clock() < this.notBefore(key);
  }

  private flight<R>(task: RenewalTask<R>, wait: boolean): Promise<R | undefined> {
    return this.flights.run(task.key, () => this.run(task, wait)) as Promise<R | undefined>;
  }

  private async run<R>(task: RenewalTask<R>, wait: boolean): Promise<R | undefined> {
    let owner = await this.lock.acquire(task.key);
    if (!owner) {
      if (!wait) return undefined;
      const waited = await this.lock.waitOrAcquire(task.key, () => task.landed());
      if (waited.owner === undefined) {
        const served = waited.value ?? task.stale();
        if (served === undefined) {
          throw new FeishuRefreshLockTimeoutError(task.kind, this.options.refresh.lockWaitMs);
        }
        return served;
      }
      // Taken over: the holder gave up, or died and its lease ran out. Renew ourselves.
      owner = waited.owner;
    }
    try {
      return await task.renew();
    } finally {
      await this.lock.release(task.key, owner);
    }
  }
}
