import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { FEISHU_AUTH_OPTIONS } from '../feishu-auth.constants.js';
import type { ResolvedFeishuAuthOptions } from '../feishu-auth.options.js';
import { FeishuTokenStore } from '../interfaces/feishu-token-store.interface.js';
import { sleep } from '../utils/backoff.util.js';
import { AppTokenManager } from './app-token.manager.js';
import { TokenStatusTracker } from './token-status.tracker.js';
import { UserTokenManager } from './user-token.manager.js';

const MAX_BATCH = 1_000;

/**
 * Proactive renewal: the scheduler's own timer (unref'd, so it never keeps the process alive;
 * cleared on shutdown; nothing registered in the host app's `SchedulerRegistry`, whether or not it
 * uses `@nestjs/schedule`) asks the store's due index for what is due and renews it, at most `refresh.maxRefreshesPerSecond`, so callers keep finding
 * a valid token in the cache instead of waiting for Feishu. Exported so that an app, a job or a
 * benchmark can run one pass at once with `tick()`; the interval calls it on its own.
 *
 * @publicApi
 */
@Injectable()
export class TokenRefreshScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(TokenRefreshScheduler.name);
  private running?: Promise<void>;
  private stopped = false;
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(FEISHU_AUTH_OPTIONS) private readonly options: ResolvedFeishuAuthOptions,
    @Inject(FeishuTokenStore) private readonly store: FeishuTokenStore,
    private readonly appTokens: AppTokenManager,
    private readonly userTokens: UserTokenManager,
    private readonly status: TokenStatusTracker,
  ) {}

  onApplicationBootstrap(): void {
    clearInterval(this.timer);
    this.timer = setInterval(() => void this.tick(), this.options.refresh.intervalMs).unref();
    this.status.schedulerRunning(true);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
    this.status.schedulerRunning(false);
    await this.running;
  }

  /** One pass over the due index. Overlapping ticks are skipped. */
  tick(): Promise<void> {
    if (this.running || this.stopped) return this.running ?? Promise.resolve();
    this.running = this.renewDue().finally(() => (this.running = undefined));
    return this.running;
  }

  private async renewDue(): Promise<void> {
    this.status.schedulerTick();
    const { maxRefreshesPerSecond, intervalMs } = this.options.refresh;
    const limit = Math.min(
      MAX_BATCH,
      Math.max(1, Math.ceil((maxRefreshesPerSecond * intervalMs) / 1000)),
    );
    let members: string[];
    try {
      members = await this.store.getDue(this.options.clock(), limit);
    } catch (error) {
      this.logger.warn(`Could not read the refresh schedule: ${(error as Error).message}`);
      return;
    }
    const spacingMs = 1000 / maxRefreshesPerSecond;
    const renewals: Promise<void>[] = [];
    for (const [index, member] of members.entries()) {
      if (this.stopped) break;
      if (index > 0) await sleep(spacingMs);
      renewals.push(this.renewMember(member));
    }
    await Promise.all(renewals);
  }

  private async renewMember(member: string): Promise<void> {
    try {
      const openId = this.userTokens.parseMember(member);
      if (openId !== undefined) {
        if (this.options.refresh.proactiveUserRefresh) {
          await this.userTokens.refreshProactively(openId);
        }
        return;
      }
      const scoped = this.appTokens.parseMember(member);
      // Members of other apps sharing the store are theirs to renew.
      if (scoped) await this.appTokens.renewProactively(scoped);
    } catch {
      // Reported (once, without the token) by the managers; the schedule already holds the retry.
    }
  }
}
