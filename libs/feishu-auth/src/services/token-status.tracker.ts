import { Inject, Injectable, Logger } from '@nestjs/common';
import { FEISHU_AUTH_OPTIONS } from '../feishu-auth.constants.js';
import { FeishuApiError } from '../feishu-auth.errors.js';
import { unreplicatedWriteMessage } from '../feishu-auth.messages.js';
import type { ResolvedFeishuAuthOptions } from '../feishu-auth.options.js';
import { quoteInput } from '../utils/log-input.util.js';

/** @publicApi */
export type FeishuTokenKind = 'app' | 'tenant' | 'user';

/**
 * Counters of the token lifecycle, for a status page or metrics. Carries no token.
 *
 * @publicApi
 */
export interface FeishuTokenStatus {
  /** Successful renewals by token kind. */
  refreshes: Record<FeishuTokenKind, number>;
  /** Of those, renewals started by the scheduler before anyone asked. */
  proactiveRefreshes: number;
  /**
   * Calls to Feishu for an app or tenant token that answered the token already cached (its reuse
   * window had not closed yet): not counted in `refreshes`, renewed again just after the window.
   */
  sameTokenAnswers: Record<'app' | 'tenant', number>;
  /** Failed renewals by error kind (`FeishuApiError.kind`, or the error's name). */
  failures: Record<string, number>;
  /**
   * Callers that had to wait for a renewal (Feishu, or another instance's call to it) because no
   * usable token was cached: one per caller, so 1,000 callers sharing one fetch count 1,000.
   */
  callerWaits: number;
  /**
   * Users' tokens written (after a refresh or a login) that the store kept on its primary but no
   * replica confirmed in time (`RedisTokenStore` with replicas): each is one user who would have
   * to sign in again if the primary failed before a replica caught up. 0 without replicas.
   */
  unreplicatedWrites: number;
  /** Epoch ms of the last such write. */
  lastUnreplicatedWriteAt?: number;
  /** Epoch ms of the last successful renewal. */
  lastRefreshAt?: number;
  /** Epoch ms of the last failed renewal. */
  lastFailureAt?: number;
  /** Epoch ms of the next scheduled app or tenant renewal known to this instance. */
  nextAppTokenDueAt?: number;
  /** Whether the proactive refresh interval is registered. */
  schedulerRunning: boolean;
  /** Ticks of the proactive refresh interval run so far. */
  schedulerTicks: number;
  /** Epoch ms the last tick of the proactive refresh started. */
  lastSchedulerTickAt?: number;
}

/**
 * Counts renewals and failures, fires `onTokenRefreshed` / `onTokenRefreshFailed`, and logs a
 * failing renewal once (until it recovers). Internal.
 */
@Injectable()
export class TokenStatusTracker {
  private readonly logger = new Logger(TokenStatusTracker.name);
  private readonly state: FeishuTokenStatus = {
    refreshes: { app: 0, tenant: 0, user: 0 },
    proactiveRefreshes: 0,
    sameTokenAnswers: { app: 0, tenant: 0 },
    failures: {},
    callerWaits: 0,
    unreplicatedWrites: 0,
    schedulerRunning: false,
    schedulerTicks: 0,
  };
  private readonly appTokenDue = new Map<string, number>();
  private readonly failing = new Set<string>();

  constructor(@Inject(FEISHU_AUTH_OPTIONS) private readonly options: ResolvedFeishuAuthOptions) {}

  refreshed(kind: FeishuTokenKind, subject: string, expiresAt: number, proactive: boolean): void {
    this.state.refreshes[kind]++;
    if (proactive) this.state.proactiveRefreshes++;
    this.state.lastRefreshAt = this.options.clock();
    const label = `${kind}:${subject}`;
    if (this.failing.delete(label))
      this.logger.log(`Renewal of the ${kind} token (${quoteInput(subject)}) recovered.`);
    safely(
      () => this.options.onTokenRefreshed?.({ kind, subject, expiresAt, proactive }),
      this.logger,
    );
  }

  /** Feishu answered a renewal with the token already cached: no renewal. */
  sameTokenAnswered(kind: 'app' | 'tenant'): void {
    this.state.sameTokenAnswers[kind]++;
  }

  failed(kind: FeishuTokenKind, subject: string, error: Error, stillValid: boolean): void {
    const errorKind = error instanceof FeishuApiError ? error.kind : error.name;
    this.state.failures[errorKind] = (this.state.failures[errorKind] ?? 0) + 1;
    this.state.lastFailureAt = this.options.clock();
    const label = `${kind}:${subject}`;
    if (!this.failing.has(label)) {
      this.failing.add(label);
      this.logger.warn(
        `Renewal of the ${kind} token (${quoteInput(subject)}) failed: ${describeError(error)}` +
          (stillValid ? '; the cached token is still valid and keeps being served.' : '.'),
      );
    }
    safely(
      () => this.options.onTokenRefreshFailed?.({ kind, subject, error, stillValid }),
      this.logger,
    );
  }

  /** A renewal that ended the failure streak without a refresh (e.g. the user was forgotten). */
  forget(kind: FeishuTokenKind, subject: string): void {
    this.failing.delete(`${kind}:${subject}`);
  }

  /** The store kept a user's new tokens on its primary only: counted and logged (no token in it). */
  unreplicated(openId: string): void {
    this.state.unreplicatedWrites++;
    this.state.lastUnreplicatedWriteAt = this.options.clock();
    this.logger.warn(unreplicatedWriteMessage(openId));
  }

  callerWaited(): void {
    this.state.callerWaits++;
  }

  appTokenScheduled(key: string, dueAt: number): void {
    this.appTokenDue.set(key, dueAt);
  }

  schedulerTick(): void {
    this.state.schedulerTicks++;
    this.state.lastSchedulerTickAt = this.options.clock();
  }

  schedulerRunning(running: boolean): void {
    this.state.schedulerRunning = running;
  }

  snapshot(): FeishuTokenStatus {
    const dues = [...this.appTokenDue.values()];
    return {
      ...this.state,
      refreshes: { ...this.state.refreshes },
      sameTokenAnswers: { ...this.state.sameTokenAnswers },
      failures: { ...this.state.failures },
      nextAppTokenDueAt: dues.length > 0 ? Math.min(...dues) : undefined,
    };
  }
}

function describeError(error: Error): string {
  if (error instanceof FeishuApiError) {
    return `${error.message} [kind ${error.kind}, endpoint ${error.endpoint}${error.logId ? `, logid ${error.logId}` : ''}]`;
  }
  return `${error.name}: ${error.message}`;
}

function safely(callback: () => void, logger: Logger): void {
  try {
    callback();
  } catch (error) {
    logger.error(
      `A token lifecycle callback threw: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
