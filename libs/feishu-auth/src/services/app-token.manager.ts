import { Inject, Injectable, Logger } from '@nestjs/common';
import { FEISHU_AUTH_OPTIONS } from '../feishu-auth.constants.js';
import {
  FeishuApiError,
  FeishuAppTicketUnavailableError,
  FeishuTenantKeyRequiredError,
} from '../feishu-auth.errors.js';
import * as messages from '../feishu-auth.messages.js';
import type { ResolvedFeishuAuthOptions } from '../feishu-auth.options.js';
import {
  type FeishuCachedToken,
  FeishuTokenStore,
} from '../interfaces/feishu-token-store.interface.js';
import type { FeishuAppAccessTokenSource } from '../oauth/app-access-token.source.js';
import { FeishuAppAuthClient, type IssuedToken } from '../oauth/feishu-app-auth.client.js';
import { SingleFlight } from '../utils/single-flight.util.js';
import { quoteInput } from '../utils/log-input.util.js';
import { appTokenDueAt, cachedTokenOf, isServable, nextAppRenewalAt } from './renewal-policy.js';
import { type RenewalTask, TokenRefresher } from './token-refresher.js';
import { TokenStatusTracker } from './token-status.tracker.js';

/** A cached app or tenant token: its store key, kind and subject. */
interface AppScopedKey {
  key: string;
  kind: 'app' | 'tenant';
  /** app id for `app`, tenant key for `tenant`. */
  subject: string;
}

/** A cold read's result, and whether it had to wait for a renewal (Feishu, here or on another instance). */
interface LoadedToken {
  token: FeishuCachedToken;
  renewed: boolean;
}

/** Self-built apps have one tenant: their own. */
const SELF_BUILT_TENANT = 'internal';

/**
 * App and tenant access tokens: an in-process layer over the `FeishuTokenStore`, renewed by the
 * `TokenRefresher` once due (see `renewal-policy.ts`) while the cached one keeps being served.
 * Feishu's answers come from `FeishuAppAuthClient`. Internal; `TokenService` is the API.
 */
@Injectable()
export class AppTokenManager implements FeishuAppAccessTokenSource {
  private readonly logger = new Logger(AppTokenManager.name);
  private readonly memory = new Map<string, FeishuCachedToken>();
  private readonly loads = new SingleFlight<LoadedToken>();
  /** When to look at each cached token again (epoch ms): its due time, or a recheck soon after. */
  private readonly nextCheck = new Map<string, number>();

  constructor(
    @Inject(FEISHU_AUTH_OPTIONS) private readonly options: ResolvedFeishuAuthOptions,
    private readonly client: FeishuAppAuthClient,
    @Inject(FeishuTokenStore) private readonly store: FeishuTokenStore,
    private readonly refresher: TokenRefresher,
    private readonly status: TokenStatusTracker,
  ) {}

  async getAppAccessToken(): Promise<string> {
    return this.get(this.appKey());
  }

  async dropAppAccessToken(token: string): Promise<void> {
    await this.invalidate(this.appKey(), token);
  }

  async getTenantAccessToken(tenantKey?: string): Promise<string> {
    return this.get(this.tenantKey(tenantKey));
  }

  /** Store key of the app token, e.g. `app:cli_123`. */
  appKey(): AppScopedKey {
    return { key: `app:${this.options.appId}`, kind: 'app', subject: this.options.appId };
  }

  /** Store key of a tenant token, e.g. `tenant:cli_123:<tenantKey>` (`internal` for self-built apps). */
  tenantKey(tenantKey?: string): AppScopedKey {
    if (this.options.appType === 'self-built') {
      return {
        key: `tenant:${this.options.appId}:${SELF_BUILT_TENANT}`,
        kind: 'tenant',
        subject: SELF_BUILT_TENANT,
      };
    }
    if (typeof tenantKey !== 'string' || tenantKey.length === 0) {
      throw new FeishuTenantKeyRequiredError(messages.tenantKeyRequiredMessage());
    }
    return { key: `tenant:${this.options.appId}:${tenantKey}`, kind: 'tenant', subject: tenantKey };
  }

  /** Parses a due-index member of this app (`app:…` / `tenant:…`); `undefined` for anything else. */
  parseMember(member: string): AppScopedKey | undefined {
    const { appId } = this.options;
    if (member === `app:${appId}`) return this.appKey();
    const prefix = `tenant:${appId}:`;
    if (!member.startsWith(prefix)) return undefined;
    const tenant = member.slice(prefix.length);
    if (this.options.appType === 'self-built')
      return tenant === SELF_BUILT_TENANT ? this.tenantKey() : undefined;
    return tenant ? this.tenantKey(tenant) : undefined;
  }

  /** Renews a due token from the scheduler; skipped when another instance holds the lock. */
  async renewProactively(scoped: AppScopedKey): Promise<void> {
    await this.refresher.tryRenew(this.task(scoped, true));
  }

  /**
   * Drops `token` from both layers if it is still the cached one (compare-and-delete, so a token
   * another caller just renewed is kept).
   */
  async invalidate(scoped: AppScopedKey, token: string): Promise<void> {
    if (this.memory.get(scoped.key)?.token === token) this.memory.delete(scoped.key);
    this.nextCheck.delete(scoped.key);
    await this.store.deleteToken(scoped.key, token);
  }

  /** The in-process cache, read-only (for tests and the status page). */
  cached(scoped: AppScopedKey): FeishuCachedToken | undefined {
    return this.memory.get(scoped.key);
  }

  // -------------------------------------------------------------------------------------------

  private async get(scoped: AppScopedKey): Promise<string> {
    const now = this.options.clock();
    const hot = this.memory.get(scoped.key);
    if (hot && isServable(hot, now, this.options.refresh)) {
      if (this.isDue(scoped.key, hot, now)) this.refresher.renewInBackground(this.task(scoped));
      return hot.token;
    }
    const loaded = await this.loads.run(scoped.key, () => this.load(scoped));
    // Every caller that joined the renewal waited for it, not only the one that started it.
    if (loaded.renewed) this.status.callerWaited();
    return loaded.token.token;
  }

  /** Cold path: the store (another instance may have it), else Feishu. */
  private async load(scoped: AppScopedKey): Promise<LoadedToken> {
    const stored = await this.store.getToken(scoped.key);
    const now = this.options.clock();
    if (stored && isServable(stored, now, this.options.refresh)) {
      this.remember(scoped, stored);
      if (this.isDue(scoped.key, stored, now)) this.refresher.renewInBackground(this.task(scoped));
      return { token: stored, renewed: false };
    }
    return { token: await this.refresher.renewAndWait(this.task(scoped)), renewed: true };
  }

  private task(scoped: AppScopedKey, proactive = false): RenewalTask<FeishuCachedToken> {
    return {
      key: scoped.key,
      kind: scoped.kind,
      renew: () => this.renew(scoped, proactive),
      landed: async () => {
        const stored = await this.store.getToken(scoped.key);
        if (!stored || this.isStoredDue(stored)) return undefined;
        return this.remember(scoped, stored);
      },
      stale: () => {
        const cached = this.memory.get(scoped.key);
        return cached && isServable(cached, this.options.clock(), this.options.refresh)
          ? cached
          : undefined;
      },
    };
  }

  /** Holding the lock: takes what the store holds unless it is due too, else asks Feishu. */
  private async renew(scoped: AppScopedKey, proactive: boolean): Promise<FeishuCachedToken> {
    const current = await this.store.getToken(scoped.key);
    if (current && !this.isStoredDue(current)) {
      this.remember(scoped, current);
      await this.store.scheduleRefresh(scoped.key, this.nextCheck.get(scoped.key)!);
      return current;
    }
    return this.fetchAndSave(scoped, proactive, current ?? this.memory.get(scoped.key));
  }

  /**
   * Asks Feishu for a token. `previous` is the token being replaced: an answer with that same token
   * is no renewal (Feishu's window had not closed yet); it is stored with its sharper expiry and
   * renewed again just after the window's edge.
   */
  private async fetchAndSave(
    scoped: AppScopedKey,
    proactive: boolean,
    previous: FeishuCachedToken | undefined,
  ): Promise<FeishuCachedToken> {
    let answer: IssuedToken;
    try {
      answer = await this.fetch(scoped);
    } catch (error) {
      this.recordFailure(scoped, error as Error);
      throw error;
    }
    const sameToken = previous?.token === answer.token;
    const fresh = cachedTokenOf(answer, sameToken, this.options.refresh);
    this.refresher.succeeded(scoped.key);
    await this.store.setToken(scoped.key, fresh);
    this.remember(scoped, fresh);
    await this.store.scheduleRefresh(scoped.key, this.nextCheck.get(scoped.key)!);
    if (sameToken) {
      this.status.sameTokenAnswered(scoped.kind);
      this.logger.debug(
        `Feishu handed back the same ${scoped.kind} token; renewing after its window.`,
      );
    } else {
      this.status.refreshed(scoped.kind, scoped.subject, fresh.expiresAt, proactive);
    }
    return fresh;
  }

  private async fetch(scoped: AppScopedKey): Promise<IssuedToken> {
    if (scoped.kind === 'app') {
      const ticket =
        this.options.appType === 'store'
          ? await this.store.getAppTicket(this.options.appId)
          : undefined;
      return this.client.appAccessToken(ticket);
    }
    if (!this.client.tenantTokenNeedsAppToken) return this.client.tenantAccessToken(scoped.subject);
    const appToken = await this.getAppAccessToken();
    try {
      return await this.client.tenantAccessToken(scoped.subject, appToken);
    } catch (error) {
      if (!(error instanceof FeishuApiError) || error.kind !== 'invalid-token') throw error;
      // The app token was revoked early: drop it and try once with a fresh one.
      await this.invalidate(this.appKey(), appToken);
      return this.client.tenantAccessToken(scoped.subject, await this.getAppAccessToken());
    }
  }

  private remember(scoped: AppScopedKey, token: FeishuCachedToken): FeishuCachedToken {
    this.memory.set(scoped.key, token);
    const checkAt = nextAppRenewalAt(token, this.options.clock(), this.options.refresh);
    this.nextCheck.set(scoped.key, checkAt);
    this.status.appTokenScheduled(scoped.key, checkAt);
    return token;
  }

  private recordFailure(scoped: AppScopedKey, error: Error): void {
    const cached = this.memory.get(scoped.key);
    const stillValid =
      cached !== undefined && isServable(cached, this.options.clock(), this.options.refresh);
    const retryAt = this.refresher.failed(scoped.key, { ...scoped, error, stillValid });
    const retryable = !(error instanceof FeishuApiError) || error.retryable;
    const reschedule = retryable || error instanceof FeishuAppTicketUnavailableError;
    const next = reschedule
      ? this.store.scheduleRefresh(scoped.key, retryAt)
      : this.store.unscheduleRefresh(scoped.key);
    next.catch((storeError: unknown) =>
      this.logger.warn(
        `Could not update the refresh schedule of ${quoteInput(scoped.key)}: ${(storeError as Error).message}`,
      ),
    );
  }

  private isDue(key: string, token: FeishuCachedToken, now: number): boolean {
    const notBefore = Math.max(this.nextCheck.get(key) ?? 0, this.refresher.notBefore(key));
    return now >= Math.max(appTokenDueAt(token, this.options.refresh), notBefore);
  }

  private isStoredDue(token: FeishuCachedToken): boolean {
    return this.options.clock() >= appTokenDueAt(token, this.options.refresh);
  }
}
