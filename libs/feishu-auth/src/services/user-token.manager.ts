import { Inject, Injectable, Logger } from '@nestjs/common';
import { FEISHU_AUTH_OPTIONS } from '../feishu-auth.constants.js';
import {
  FeishuApiError,
  FeishuReauthRequiredError,
  FeishuStoreUnavailableError,
} from '../feishu-auth.errors.js';
import * as messages from '../feishu-auth.messages.js';
import type { ResolvedFeishuAuthOptions } from '../feishu-auth.options.js';
import { feishuCodeMeaning } from '../http/feishu-error-codes.js';
import type { FeishuProfile } from '../interfaces/feishu-profile.interface.js';
import {
  FeishuTokenStore,
  type FeishuUserTokenRecord,
} from '../interfaces/feishu-token-store.interface.js';
import { FeishuOAuthClient, type FeishuUserTokenSet } from '../oauth/feishu-oauth.client.js';
import { fullJitterDelay, sleep } from '../utils/backoff.util.js';
import { fingerprint } from '../utils/fingerprint.util.js';
import { SingleFlight } from '../utils/single-flight.util.js';
import { RefreshLock } from './refresh-lock.js';
import { TokenStatusTracker } from './token-status.tracker.js';

/** Without a refresh token the record lives as long as the access token. */
const MIN_RECORD_TTL_SECONDS = 60;
const FAILURE_BACKOFF_BASE_MS = 1_000;
const FAILURE_BACKOFF_MAX_MS = 60_000;
const USER_PREFIX = 'user:';
/** Pause between attempts to store rotated tokens the store refused (e.g. during a Redis failover). */
const ROTATED_WRITE_RETRY_MS = 100;
/** A request waits for the refresh only when the token has less than this left (or half the margin). */
const MAX_WAIT_FLOOR_MS = 60_000;

/** How a refresh runs: for whom, and whether it waits for another instance's. */
interface RefreshMode {
  /** Started by the scheduler before anyone asked. */
  proactive: boolean;
  /** Wait for another instance holding the lock (a caller that needs the token) or skip (background). */
  waitForOthers: boolean;
}

/**
 * User access tokens: served from the store while they have more than
 * `refresh.userTokenMarginSeconds` left. Once due, the stored token keeps being served while ONE
 * background refresh runs; a caller waits only when less than the wait floor (min(60 s, margin / 2))
 * is left. Refreshes run on the family that issued the token with single-flight (in-process promise
 * + the store lock across instances, double-checked after acquiring). The rotated refresh token is
 * stored before the new access token is returned: a refresh token is single use, so losing the new
 * one logs the user out. The scheduler plans each refresh one tick before the request path would
 * start it, so it normally gets there first. Internal.
 */
@Injectable()
export class UserTokenManager {
  private readonly logger = new Logger(UserTokenManager.name);
  private readonly refreshes = new SingleFlight<string | undefined>();
  private readonly failures = new Map<string, number>();
  /** No background refresh before this (epoch ms): the backoff after a failed one. */
  private readonly retryAfter = new Map<string, number>();
  private readonly lock: RefreshLock;

  constructor(
    @Inject(FEISHU_AUTH_OPTIONS) private readonly options: ResolvedFeishuAuthOptions,
    @Inject(FeishuTokenStore) private readonly store: FeishuTokenStore,
    private readonly oauth: FeishuOAuthClient,
    private readonly status: TokenStatusTracker,
  ) {
    this.lock = new RefreshLock(store, options);
  }

  async getUserAccessToken(openId: string): Promise<string> {
    const record = await this.store.getUserToken(this.options.appId, openId);
    if (!record) throw new FeishuReauthRequiredError(openId, messages.noUserTokensMessage());
    const now = this.options.clock();
    if (!this.isDue(record, now)) return record.accessToken;
    if (!this.mustWait(record, now)) {
      this.refreshInBackground(openId, record);
      return record.accessToken;
    }
    this.status.callerWaited();
    return this.refreshAndWait(openId, record);
  }

  /** Persists a user's tokens after a code exchange (or any grant) and schedules their refresh. */
  async saveUserTokens(
    profile: Pick<FeishuProfile, 'openId' | 'tenantKey'>,
    tokens: FeishuUserTokenSet,
  ): Promise<FeishuUserTokenRecord> {
    const record = this.toRecord(profile.openId, profile.tenantKey, tokens);
    await this.persist(record);
    return record;
  }

  /** Deletes the user's tokens and their refresh schedule (logout). */
  async forgetUser(openId: string): Promise<void> {
    this.failures.delete(openId);
    this.retryAfter.delete(openId);
    this.status.forget('user', openId);
    await Promise.all([
      this.store.deleteUserToken(this.options.appId, openId),
      this.store.unscheduleRefresh(this.userKey(openId)),
      this.store.unscheduleRefresh(`${USER_PREFIX}${openId}`),
    ]);
  }

  /**
   * Due-index member and lock key of one of this app's users, e.g. `user:cli_123:ou_abc`: apps
   * sharing a store must not renew each other's users (Feishu refuses another app's refresh token
   * with 20024, after which the record would be deleted).
   */
  userKey(openId: string): string {
    return `${USER_PREFIX}${this.options.appId}:${openId}`;
  }

  /** The open id in a due-index member of this app's users; `undefined` for anything else. */
  parseMember(member: string): string | undefined {
    const prefix = `${USER_PREFIX}${this.options.appId}:`;
    if (!member.startsWith(prefix)) return undefined;
    return member.slice(prefix.length) || undefined;
  }

  /**
   * A member written before members named their app (`user:<openId>`): its app cannot be told,
   * so it is unscheduled; the user's next request refreshes on demand and schedules it anew.
   */
  isUnscopedMember(member: string): boolean {
    return member.startsWith(USER_PREFIX) && !member.slice(USER_PREFIX.length).includes(':');
  }

  /**
   * Marks the access token as expired if it is still the stored one (Feishu rejected it early), so
   * the next `getUserAccessToken` refreshes it.
   */
  async invalidate(openId: string, accessToken: string): Promise<void> {
    const record = await this.store.getUserToken(this.options.appId, openId);
    if (!record || record.accessToken !== accessToken) return;
    const now = this.options.clock();
    await this.store.setUserToken(
      { ...record, accessTokenExpiresAt: now, updatedAt: now },
      this.ttlSeconds(record),
    );
  }

  /** Scheduler entry: refreshes a due user unless another instance is doing it. */
  async refreshProactively(openId: string): Promise<void> {
    const record = await this.store.getUserToken(this.options.appId, openId);
    if (!record) {
      await this.store.unscheduleRefresh(this.userKey(openId));
      return;
    }
    if (!this.isDue(record, this.options.clock(), this.schedulerLeadMs())) {
      await this.schedule(record);
      return;
    }
    try {
      await this.refreshes.run(openId, () =>
        this.refresh(openId, record, { proactive: true, waitForOthers: false }),
      );
    } catch {
      // Reported through the status tracker; a reauth already deleted the record.
    }
  }

  // -------------------------------------------------------------------------------------------

  /**
   * Due but comfortably valid: the caller is served the stored token while one refresh runs
   * behind it. Its failures are reported by the tracker (a dead refresh token also deletes the
   * record, so the next request gets 401), never thrown at anyone.
   */
  private refreshInBackground(openId: string, seen: FeishuUserTokenRecord): void {
    if (this.refreshes.has(openId)) return;
    if (this.options.clock() < (this.retryAfter.get(openId) ?? 0)) return;
    void this.refreshes
      .run(openId, () => this.refresh(openId, seen, { proactive: false, waitForOthers: false }))
      .catch(() => undefined);
  }

  /** A caller that cannot be served the stored token waits for the refresh (joining one in flight). */
  private async refreshAndWait(openId: string, seen: FeishuUserTokenRecord): Promise<string> {
    const refreshNow = () => this.refresh(openId, seen, { proactive: false, waitForOthers: true });
    // A background refresh in flight may give up to another instance's lock: then wait ourselves.
    const token =
      (await this.refreshes.run(openId, refreshNow)) ??
      (await this.refreshes.run(openId, refreshNow));
    if (token === undefined) {
      throw new FeishuApiError({
        code: -1,
        message: messages.refreshLockTimeoutMessage(),
        endpoint: 'refresh_token',
        kind: 'transient',
      });
    }
    return token;
  }

  /** Resolves the access token to use, `undefined` when skipped because another instance holds the lock. */
  private async refresh(
    openId: string,
    seen: FeishuUserTokenRecord,
    { proactive, waitForOthers }: RefreshMode,
  ): Promise<string | undefined> {
    const lockKey = this.userKey(openId);
    const lockedAt = this.options.clock();
    let owner = await this.lock.acquire(lockKey);
    if (!owner) {
      if (!waitForOthers) return undefined;
      const waited = await this.lock.waitOrAcquire(
        lockKey,
        () => this.store.getUserToken(this.options.appId, openId),
        (record) => record === undefined || record.updatedAt > seen.updatedAt,
      );
      // Taken over: the holder gave up, or died and its lease ran out. Renew ourselves.
      if (waited.owner === undefined) return this.afterWaiting(openId, seen, waited);
      owner = waited.owner;
    }
    try {
      const current = await this.store.getUserToken(this.options.appId, openId);
      if (!current) throw new FeishuReauthRequiredError(openId, messages.noUserTokensMessage());
      const lead = proactive ? this.schedulerLeadMs() : 0;
      if (!this.isDue(current, this.options.clock(), lead)) return current.accessToken;
      // Rotated tokens the store refuses are retried while half the lease is left (a failover).
      return await this.rotate(current, proactive, lockedAt + this.options.refresh.lockLeaseMs / 2);
    } finally {
      await this.lock.release(lockKey, owner);
    }
  }

  /** What a caller that waited for another instance's refresh gets, when it did not take over. */
  private afterWaiting(
    openId: string,
    seen: FeishuUserTokenRecord,
    { value, done }: { value: FeishuUserTokenRecord | undefined; done: boolean },
  ): string {
    if (done && !value) throw new FeishuReauthRequiredError(openId, messages.noUserTokensMessage());
    if (done && value && !this.isExpired(value, this.options.clock())) return value.accessToken;
    if (!this.isExpired(seen, this.options.clock())) return seen.accessToken;
    throw new FeishuApiError({
      code: -1,
      message: messages.refreshLockTimeoutMessage(),
      endpoint: 'refresh_token',
      kind: 'transient',
    });
  }

  private async rotate(
    current: FeishuUserTokenRecord,
    proactive: boolean,
    retryUntil: number,
  ): Promise<string> {
    const { openId } = current;
    const now = this.options.clock();
    if (!current.refreshToken) {
      if (!this.isExpired(current, now)) return current.accessToken;
      return this.reauth(current, messages.noRefreshTokenMessage());
    }
    if (current.refreshTokenExpiresAt !== undefined && current.refreshTokenExpiresAt <= now) {
      return this.reauth(current, messages.refreshTokenExpiredMessage());
    }
    let tokens: FeishuUserTokenSet;
    try {
      tokens = await this.oauth.refreshUserToken(current.refreshToken, current.issuer);
    } catch (error) {
      return this.onRefreshFailure(current, error as Error, proactive);
    }
    const record = this.toRecord(openId, current.tenantKey, tokens, current);
    try {
      await this.persistRotated(record, retryUntil);
    } catch (error) {
      return this.onRotatedWriteFailure(current, error as Error);
    }
    this.failures.delete(openId);
    this.retryAfter.delete(openId);
    this.status.refreshed('user', openId, record.accessTokenExpiresAt, proactive);
    return record.accessToken;
  }

  private async onRefreshFailure(
    current: FeishuUserTokenRecord,
    error: Error,
    proactive: boolean,
  ): Promise<string> {
    const { openId } = current;
    if (error instanceof FeishuApiError && feishuCodeMeaning(error.code)?.record === 'used') {
      // Another caller (without a shared lock, or whose lease ran out) may have rotated it already.
      const latest = await this.store.getUserToken(this.options.appId, openId);
      if (
        latest &&
        latest.refreshToken !== current.refreshToken &&
        !this.isExpired(latest, this.options.clock())
      ) {
        return latest.accessToken;
      }
    }
    if (
      error instanceof FeishuApiError &&
      (feishuCodeMeaning(error.code)?.record !== undefined || error.kind === 'reauth')
    ) {
      this.status.failed('user', openId, error, false);
      return this.reauth(current, messages.refreshRefusedMessage(error.code), error, false);
    }
    const now = this.options.clock();
    const stillValid = !this.isExpired(current, now);
    this.status.failed('user', openId, error, stillValid);
    await this.rescheduleAfterFailure(current);
    this.logger.debug(
      `Refresh of user ${openId} (refresh token ${fingerprint(current.refreshToken ?? '')}) failed` +
        `${proactive ? ' in the background' : ''}.`,
    );
    if (stillValid) return current.accessToken;
    throw error;
  }

  /**
   * Feishu rotated the tokens but the store did not take them: unless it applies the write late,
   * the new refresh token is lost and the next refresh is refused. Reported (a background refresh
   * has no caller to tell) and backed off like any failure, so requests keep being served the
   * still-valid token instead of each asking Feishu again with the old refresh token.
   */
  private onRotatedWriteFailure(current: FeishuUserTokenRecord, error: Error): never {
    const stillValid = !this.isExpired(current, this.options.clock());
    this.status.failed('user', current.openId, error, stillValid);
    this.backOff(current.openId);
    throw error;
  }

  private async reauth(
    current: FeishuUserTokenRecord,
    reason: string,
    cause?: unknown,
    report = true,
  ): Promise<never> {
    await this.forgetUser(current.openId);
    const error = new FeishuReauthRequiredError(current.openId, reason, { cause });
    if (report) this.status.failed('user', current.openId, error, false);
    throw error;
  }

  private toRecord(
    openId: string,
    tenantKey: string,
    tokens: FeishuUserTokenSet,
    previous?: FeishuUserTokenRecord,
  ): FeishuUserTokenRecord {
    const now = this.options.clock();
    const rotated = tokens.refreshToken !== undefined;
    return {
      appId: this.options.appId,
      openId,
      tenantKey,
      accessToken: tokens.accessToken,
      accessTokenExpiresAt: now + tokens.expiresIn * 1000,
      // Feishu always rotates; should an answer omit the refresh token, the old one is still the latest.
      refreshToken: rotated ? tokens.refreshToken : previous?.refreshToken,
      refreshTokenExpiresAt: rotated
        ? tokens.refreshTokenExpiresIn === undefined
          ? undefined
          : now + tokens.refreshTokenExpiresIn * 1000
        : previous?.refreshTokenExpiresAt,
      scope: tokens.scope ?? previous?.scope,
      issuer: tokens.issuer,
      updatedAt: Math.max(now, (previous?.updatedAt ?? 0) + 1),
    };
  }

  private async persist(record: FeishuUserTokenRecord): Promise<void> {
    const write = await this.store.setUserToken(record, this.ttlSeconds(record));
    if (write && !write.replicated) this.status.unreplicated(record.openId);
    await this.schedule(record);
  }

  /**
   * The only copy of the new refresh token is in this process: while the store is unavailable (a
   * Redis failover, until a replica has taken over) the write is tried again, holding the lock, so
   * no other instance refreshes with the retired token meanwhile.
   */
  private async persistRotated(record: FeishuUserTokenRecord, retryUntil: number): Promise<void> {
    // Bounded by attempts too, should the clock be a test's that does not move.
    const attempts = Math.floor(this.options.refresh.lockLeaseMs / 2 / ROTATED_WRITE_RETRY_MS);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.persist(record);
      } catch (error) {
        const retry =
          attempt < attempts && this.options.clock() + ROTATED_WRITE_RETRY_MS < retryUntil;
        if (!(error instanceof FeishuStoreUnavailableError) || !retry) throw error;
        await sleep(ROTATED_WRITE_RETRY_MS);
      }
    }
  }

  private async schedule(record: FeishuUserTokenRecord): Promise<void> {
    if (!this.options.refresh.proactiveUserRefresh || !record.refreshToken) return;
    await this.store.scheduleRefresh(
      this.userKey(record.openId),
      this.dueAt(record) - this.schedulerLeadMs(),
    );
  }

  private async rescheduleAfterFailure(record: FeishuUserTokenRecord): Promise<void> {
    const retryAt = this.backOff(record.openId);
    if (!this.options.refresh.proactiveUserRefresh) return;
    await this.store.scheduleRefresh(this.userKey(record.openId), retryAt);
  }

  /**
   * No background refresh of this user before the returned time (epoch ms): requests keep being
   * served the valid token meanwhile instead of each asking Feishu again.
   */
  private backOff(openId: string): number {
    const attempt = (this.failures.get(openId) ?? 0) + 1;
    this.failures.set(openId, attempt);
    const now = this.options.clock();
    const retryAt =
      now +
      Math.max(
        fullJitterDelay(attempt, FAILURE_BACKOFF_BASE_MS, FAILURE_BACKOFF_MAX_MS),
        FAILURE_BACKOFF_BASE_MS,
      );
    this.retryAfter.set(openId, retryAt);
    return retryAt;
  }

  /** The record lives as long as it can still produce an access token. */
  private ttlSeconds(record: FeishuUserTokenRecord): number {
    const end = record.refreshToken
      ? (record.refreshTokenExpiresAt ?? record.accessTokenExpiresAt + 365 * 24 * 3600 * 1000)
      : record.accessTokenExpiresAt;
    return Math.max(MIN_RECORD_TTL_SECONDS, Math.ceil((end - this.options.clock()) / 1000));
  }

  private dueAt(record: FeishuUserTokenRecord): number {
    return record.accessTokenExpiresAt - this.options.refresh.userTokenMarginSeconds * 1000;
  }

  private isDue(record: FeishuUserTokenRecord, now: number, leadMs = 0): boolean {
    return now >= this.dueAt(record) - leadMs;
  }

  /**
   * The scheduler plans a refresh one tick (at most one margin) before the request path would
   * start it, so under load it normally renews before any request finds the token due.
   */
  private schedulerLeadMs(): number {
    const { intervalMs, userTokenMarginSeconds } = this.options.refresh;
    return Math.min(intervalMs, userTokenMarginSeconds * 1000);
  }

  /**
   * Too close to expiry to hand out while a refresh runs: min(60 s, half the margin) left, so a
   * token served from the background path stays valid for the request that uses it.
   */
  private mustWait(record: FeishuUserTokenRecord, now: number): boolean {
    const floorMs = Math.min(
      MAX_WAIT_FLOOR_MS,
      (this.options.refresh.userTokenMarginSeconds * 1000) / 2,
    );
    return record.accessTokenExpiresAt - now <= floorMs;
  }

  private isExpired(record: FeishuUserTokenRecord, now: number): boolean {
    return record.accessTokenExpiresAt <= now;
  }
}
