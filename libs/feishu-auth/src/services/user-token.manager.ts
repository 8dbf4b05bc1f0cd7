import { Inject, Injectable, Logger } from '@nestjs/common';
import { FEISHU_AUTH_OPTIONS } from '../feishu-auth.constants.js';
import { FeishuApiError, FeishuReauthRequiredError } from '../feishu-auth.errors.js';
import * as messages from '../feishu-auth.messages.js';
import type { ResolvedFeishuAuthOptions } from '../feishu-auth.options.js';
import { feishuCodeMeaning } from '../http/feishu-error-codes.js';
import type { FeishuProfile } from '../interfaces/feishu-profile.interface.js';
import {
  FeishuTokenStore,
  type FeishuUserTokenRecord,
} from '../interfaces/feishu-token-store.interface.js';
import { FeishuOAuthClient, type FeishuUserTokenSet } from '../oauth/feishu-oauth.client.js';
import { fingerprint } from '../utils/fingerprint.util.js';
import {
  isUserTokenDue,
  isUserTokenExpired,
  mustWaitForUserToken,
  schedulerLeadMs,
  userRecordTtlSeconds,
} from './renewal-policy.js';
import { type RenewalTask, TokenRefresher } from './token-refresher.js';
import { TokenStatusTracker } from './token-status.tracker.js';
import { userTokenRecordOf } from './user-token.record.js';
import { UserTokenWriter } from './user-token.writer.js';

/**
 * User access tokens: served from the store until due; then the stored token keeps being served
 * while ONE background refresh runs, and callers wait only close to expiry (`renewal-policy.ts`).
 * The `TokenRefresher` runs each refresh on the family that issued the token. The rotated refresh
 * token is stored before the new access token is returned: a refresh token is single use, so
 * losing the new one logs the user out. Internal.
 */
@Injectable()
export class UserTokenManager {
  private readonly logger = new Logger(UserTokenManager.name);

  constructor(
    @Inject(FEISHU_AUTH_OPTIONS) private readonly options: ResolvedFeishuAuthOptions,
    private readonly oauth: FeishuOAuthClient,
    private readonly refresher: TokenRefresher,
    @Inject(FeishuTokenStore) private readonly store: FeishuTokenStore,
    private readonly status: TokenStatusTracker,
    private readonly users: UserTokenWriter,
  ) {}

  async getUserAccessToken(openId: string): Promise<string> {
    const record = await this.store.getUserToken(this.options.appId, openId);
    if (!record) throw new FeishuReauthRequiredError(openId, messages.noUserTokensMessage());
    const now = this.options.clock();
    if (!isUserTokenDue(record, now, this.options.refresh)) return record.accessToken;
    // Due but comfortably valid: served at once; failures are reported, never thrown at anyone.
    if (!mustWaitForUserToken(record, now, this.options.refresh)) {
      this.refresher.renewInBackground(this.task(record, false));
      return record.accessToken;
    }
    this.status.callerWaited();
    return this.refresher.renewAndWait(this.task(record, false));
  }

  /** Persists a user's tokens after a code exchange (or any grant) and schedules their refresh. */
  async saveUserTokens(
    profile: Pick<FeishuProfile, 'openId' | 'tenantKey'>,
    tokens: FeishuUserTokenSet,
  ): Promise<FeishuUserTokenRecord> {
    const { openId, tenantKey } = profile;
    const owner = { appId: this.options.appId, openId, tenantKey };
    const record = userTokenRecordOf(owner, tokens, this.options.clock());
    await this.users.write(record);
    return record;
  }

  /** Deletes the user's tokens and their refresh schedule (logout). */
  async forgetUser(openId: string): Promise<void> {
    this.refresher.succeeded(this.users.key(openId));
    this.status.forget('user', openId);
    await Promise.all([
      this.store.deleteUserToken(this.options.appId, openId),
      this.store.unscheduleRefresh(this.users.key(openId)),
    ]);
  }

  /** The open id in a due-index member of this app's users; `undefined` for anything else. */
  parseMember(member: string): string | undefined {
    return this.users.parseKey(member);
  }

  /**
   * Marks the access token as expired if it is still the stored one (Feishu rejected it early), so
   * the next `getUserAccessToken` refreshes it.
   */
  async invalidate(openId: string, accessToken: string): Promise<void> {
    const record = await this.store.getUserToken(this.options.appId, openId);
    if (!record || record.accessToken !== accessToken) return;
    const now = this.options.clock();
    const expired = { ...record, accessTokenExpiresAt: now, updatedAt: now };
    await this.store.setUserToken(expired, userRecordTtlSeconds(record, now));
  }

  /** Scheduler entry: refreshes a due user unless another instance is doing it. */
  async refreshProactively(openId: string): Promise<void> {
    const record = await this.store.getUserToken(this.options.appId, openId);
    if (!record) {
      await this.store.unscheduleRefresh(this.users.key(openId));
      return;
    }
    const lead = schedulerLeadMs(this.options.refresh);
    if (!isUserTokenDue(record, this.options.clock(), this.options.refresh, lead)) {
      await this.users.schedule(record);
      return;
    }
    try {
      await this.refresher.tryRenew(this.task(record, true));
    } catch {
      // Reported through the status tracker; a reauth already deleted the record.
    }
  }

  // -------------------------------------------------------------------------------------------

  /** The refresh of the user whose record the caller saw as `seen`. */
  private task(seen: FeishuUserTokenRecord, proactive: boolean): RenewalTask<string> {
    const { openId } = seen;
    const read = () => this.store.getUserToken(this.options.appId, openId);
    return {
      key: this.users.key(openId),
      kind: 'user',
      renew: async () => {
        const current = await read();
        if (!current) throw new FeishuReauthRequiredError(openId, messages.noUserTokensMessage());
        const lead = proactive ? schedulerLeadMs(this.options.refresh) : 0;
        if (!isUserTokenDue(current, this.options.clock(), this.options.refresh, lead)) {
          return current.accessToken;
        }
        // Rotated tokens the store refuses are retried while half the lease is left (a failover).
        const retryUntil = this.options.clock() + this.options.refresh.lockLeaseMs / 2;
        return this.rotate(current, proactive, retryUntil);
      },
      landed: async () => {
        const latest = await read();
        if (!latest) throw new FeishuReauthRequiredError(openId, messages.noUserTokensMessage());
        const renewed = latest.updatedAt > seen.updatedAt;
        return renewed && !isUserTokenExpired(latest, this.options.clock())
          ? latest.accessToken
          : undefined;
      },
      stale: () => (isUserTokenExpired(seen, this.options.clock()) ? undefined : seen.accessToken),
    };
  }

  private async rotate(
    current: FeishuUserTokenRecord,
    proactive: boolean,
    retryUntil: number,
  ): Promise<string> {
    const { openId } = current;
    const now = this.options.clock();
    if (!current.refreshToken) {
      if (!isUserTokenExpired(current, now)) return current.accessToken;
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
    const owner = { appId: this.options.appId, openId, tenantKey: current.tenantKey };
    const record = userTokenRecordOf(owner, tokens, this.options.clock(), current);
    try {
      await this.users.writeRotated(record, retryUntil);
    } catch (error) {
      // Feishu rotated the tokens but the store did not take them: reported and backed off like
      // any failure, so requests keep being served the still-valid token instead of each asking
      // Feishu again with the retired refresh token.
      this.reportFailure(current, error as Error);
      throw error;
    }
    this.refresher.succeeded(this.users.key(openId));
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
      const rotated = latest && latest.refreshToken !== current.refreshToken;
      if (rotated && !isUserTokenExpired(latest, this.options.clock())) return latest.accessToken;
    }
    if (
      error instanceof FeishuApiError &&
      (feishuCodeMeaning(error.code)?.record !== undefined || error.kind === 'reauth')
    ) {
      return this.reauth(current, messages.refreshRefusedMessage(error.code), error);
    }
    const { stillValid, retryAt } = this.reportFailure(current, error);
    if (this.options.refresh.proactiveUserRefresh) {
      await this.store.scheduleRefresh(this.users.key(openId), retryAt);
    }
    this.logger.debug(
      `Refresh of user ${openId} (refresh token ${fingerprint(current.refreshToken ?? '')}) failed` +
        `${proactive ? ' in the background' : ''}.`,
    );
    if (stillValid) return current.accessToken;
    throw error;
  }

  /** Counts and reports the failure; no background refresh of this user before `retryAt`. */
  private reportFailure(
    current: FeishuUserTokenRecord,
    error: Error,
  ): { stillValid: boolean; retryAt: number } {
    const stillValid = !isUserTokenExpired(current, this.options.clock());
    const subject = current.openId;
    const report = { kind: 'user' as const, subject, error, stillValid };
    return { stillValid, retryAt: this.refresher.failed(this.users.key(subject), report) };
  }

  /** Deletes the user's tokens and reports `refused` (or the reauth error): they must sign in. */
  private async reauth(
    current: FeishuUserTokenRecord,
    reason: string,
    refused?: FeishuApiError,
  ): Promise<never> {
    const error = new FeishuReauthRequiredError(current.openId, reason, { cause: refused });
    this.status.failed('user', current.openId, refused ?? error, false);
    await this.forgetUser(current.openId);
    throw error;
  }
}
