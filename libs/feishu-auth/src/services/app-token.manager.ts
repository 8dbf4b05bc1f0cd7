import { Inject, Injectable, Logger } from '@nestjs/common';
import { FEISHU_AUTH_OPTIONS } from '../feishu-auth.constants.js';
import {
  FeishuApiError,
  FeishuAppTicketUnavailableError,
  FeishuTenantKeyRequiredError,
} from '../feishu-auth.errors.js';
import * as messages from '../feishu-auth.messages.js';
import type { ResolvedFeishuAuthOptions } from '../feishu-auth.options.js';
import { feishuCodeMeaning } from '../http/feishu-error-codes.js';
import { FeishuHttpClient } from '../http/feishu-http.client.js';
import {
  type FeishuCachedToken,
  FeishuTokenStore,
} from '../interfaces/feishu-token-store.interface.js';
import { fullJitterDelay } from '../utils/backoff.util.js';
import { SingleFlight } from '../utils/single-flight.util.js';
import { RefreshLock } from './refresh-lock.js';
import { TokenStatusTracker } from './token-status.tracker.js';
import { type IssuedToken, requestClientCredentialsToken } from './tenant-token.grant.js';

/** What `/auth/v3/*` answers, fields at top level. */
interface AuthV3Body {
  app_access_token?: unknown;
  tenant_access_token?: unknown;
  expire?: unknown;
}

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
const MIN_RECHECK_MS = 1_000;
const FAILURE_BACKOFF_BASE_MS = 1_000;
const FAILURE_BACKOFF_MAX_MS = 60_000;
const TICKET_RESEND_INTERVAL_MS = 5_000;
/** `expire` is whole seconds rounded down: a token may live up to this much longer than it says. */
const EXPIRE_ROUNDING_MS = 1_000;
/** Past Feishu's window edge by 1% of the margin, at most 5 s: the edge itself still gets the same token. */
const WINDOW_SAFETY_SHARE = 0.01;
const MAX_WINDOW_SAFETY_MS = 5_000;

const PATHS = {
  appInternal: '/open-apis/auth/v3/app_access_token/internal',
  tenantInternal: '/open-apis/auth/v3/tenant_access_token/internal',
  appStore: '/open-apis/auth/v3/app_access_token',
  tenantStore: '/open-apis/auth/v3/tenant_access_token',
  ticketResend: '/open-apis/auth/v3/app_ticket/resend',
} as const;

/**
 * App and tenant access tokens: an in-process layer over the `FeishuTokenStore`, single-flight
 * per token (in-process promise + the store's lock across instances), renewal in the background
 * once a token is due while the cached one keeps being served. Internal; `TokenService` is the API.
 *
 * Due means the point from which Feishu surely issues a new token: it returns the same token while
 * `refresh.appTokenMarginSeconds` (default 30 min) or more remain by its own count, so asking
 * earlier only wastes a call. See `renewAt()`.
 */
@Injectable()
export class AppTokenManager {
  private readonly logger = new Logger(AppTokenManager.name);
  private readonly memory = new Map<string, FeishuCachedToken>();
  private readonly loads = new SingleFlight<LoadedToken>();
  private readonly renewals = new SingleFlight<FeishuCachedToken | undefined>();
  /** No renewal before this (epoch ms): after a success, its due time; after a failure, the backoff. */
  private readonly notBefore = new Map<string, number>();
  private readonly failures = new Map<string, number>();
  private readonly lock: RefreshLock;
  private lastTicketResendAt = -Infinity;

  constructor(
    @Inject(FEISHU_AUTH_OPTIONS) private readonly options: ResolvedFeishuAuthOptions,
    private readonly http: FeishuHttpClient,
    @Inject(FeishuTokenStore) private readonly store: FeishuTokenStore,
    private readonly status: TokenStatusTracker,
  ) {
    this.lock = new RefreshLock(store, options);
  }

  async getAppAccessToken(): Promise<string> {
    return this.get(this.appKey());
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
    await this.renewals.run(scoped.key, () =>
      this.renew(scoped, { proactive: true, waitForOthers: false }),
    );
  }

  /**
   * Drops `token` from both layers if it is still the cached one (compare-and-delete, so a token
   * another caller just renewed is kept).
   */
  async invalidate(scoped: AppScopedKey, token: string): Promise<void> {
    if (this.memory.get(scoped.key)?.token === token) this.memory.delete(scoped.key);
    this.notBefore.delete(scoped.key);
    await this.store.deleteToken(scoped.key, token);
  }

  /** The in-process cache, read-only (for tests and the status page). */
  cached(scoped: AppScopedKey): FeishuCachedToken | undefined {
    return this.memory.get(scoped.key);
  }

  /** Requests an app_ticket push (store apps), at most once per few seconds per instance. */
  async requestAppTicket(force = false): Promise<void> {
    const now = this.options.clock();
    if (!force && now - this.lastTicketResendAt < TICKET_RESEND_INTERVAL_MS) return;
    this.lastTicketResendAt = now;
    await this.http.request({
      method: 'POST',
      url: `${this.options.domain.open}${PATHS.ticketResend}`,
      body: { app_id: this.options.appId, app_secret: this.options.appSecret },
    });
  }

  // -------------------------------------------------------------------------------------------

  private async get(scoped: AppScopedKey): Promise<string> {
    const now = this.options.clock();
    const hot = this.memory.get(scoped.key);
    if (hot && this.isUsable(hot, now)) {
      if (this.isDue(scoped.key, hot, now)) this.renewInBackground(scoped);
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
    if (stored && this.isUsable(stored, now)) {
      this.memory.set(scoped.key, stored);
      if (this.isDue(scoped.key, stored, now)) this.renewInBackground(scoped);
      return { token: stored, renewed: false };
    }
    const renewNow = () => this.renew(scoped, { proactive: false, waitForOthers: true });
    // A background renewal in flight may give up to another instance's lock: then wait ourselves.
    const renewed =
      (await this.renewals.run(scoped.key, renewNow)) ??
      (await this.renewals.run(scoped.key, renewNow));
    if (!renewed) {
      throw new FeishuApiError({
        code: -1,
        message: messages.refreshLockTimeoutMessage(),
        endpoint: scoped.kind === 'app' ? 'app_access_token' : 'tenant_access_token',
        kind: 'transient',
      });
    }
    return { token: renewed, renewed: true };
  }

  private renewInBackground(scoped: AppScopedKey): void {
    if (this.renewals.has(scoped.key)) return;
    void this.renewals
      .run(scoped.key, () => this.renew(scoped, { proactive: false, waitForOthers: false }))
      .catch(() => undefined); // reported by renew(); the cached token keeps being served
  }

  /**
   * Fetches a new token under the store lock, unless the store already holds a fresh one.
   * Resolves `undefined` when another instance holds the lock and `waitForOthers` is false.
   */
  private async renew(
    scoped: AppScopedKey,
    { proactive, waitForOthers }: { proactive: boolean; waitForOthers: boolean },
  ): Promise<FeishuCachedToken | undefined> {
    const owner = await this.lock.acquire(scoped.key);
    if (!owner) {
      if (!waitForOthers) return undefined;
      const { value, done } = await this.lock.waitFor(
        () => this.store.getToken(scoped.key),
        (token) => token !== undefined && !this.isStoredDue(token, this.options.clock()),
      );
      if (done && value) return this.remember(scoped, value);
      // The holder is slow or dead: Feishu's token endpoint is safe to call twice (same token while ≥ 30 min).
      return this.fetchAndSave(scoped, proactive, value ?? this.memory.get(scoped.key));
    }
    try {
      const current = await this.store.getToken(scoped.key);
      if (current && !this.isStoredDue(current, this.options.clock())) {
        this.remember(scoped, current);
        await this.store.scheduleRefresh(scoped.key, this.notBefore.get(scoped.key)!);
        return current;
      }
      return await this.fetchAndSave(scoped, proactive, current ?? this.memory.get(scoped.key));
    } finally {
      await this.lock.release(scoped.key, owner);
    }
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
      answer =
        scoped.kind === 'app'
          ? await this.fetchAppToken()
          : await this.fetchTenantToken(scoped.subject);
    } catch (error) {
      this.recordFailure(scoped, error as Error);
      throw error;
    }
    const sameToken = previous?.token === answer.token;
    const fresh = this.toCachedToken(answer, sameToken);
    this.failures.delete(scoped.key);
    await this.store.setToken(scoped.key, fresh);
    this.remember(scoped, fresh);
    await this.store.scheduleRefresh(scoped.key, this.notBefore.get(scoped.key)!);
    if (sameToken) {
      this.logger.debug(
        `Feishu handed back the same ${scoped.kind} token; renewing after its window.`,
      );
    } else {
      this.status.refreshed(scoped.kind, scoped.subject, fresh.expiresAt, proactive);
    }
    return fresh;
  }

  /**
   * Feishu read its clock somewhere between our request leaving (`startedAt`) and its answer
   * arriving (`finishedAt`), and rounded the seconds left down. So the token expires no earlier
   * than `startedAt + expire` (what we serve by) and no later than `finishedAt + expire`, plus the
   * rounding unless the token was just minted (a token we had not seen: Feishu mints with its full
   * lifetime). Feishu surely mints a new one once less than the margin is left by the later bound.
   */
  private toCachedToken(answer: IssuedToken, rounded: boolean): FeishuCachedToken {
    const expireMs = answer.expire * 1000;
    const expiresAt = answer.startedAt + expireMs;
    const latestExpiry = answer.finishedAt + expireMs + (rounded ? EXPIRE_ROUNDING_MS : 0);
    const marginMs = this.options.refresh.appTokenMarginSeconds * 1000;
    const safetyMs = Math.min(MAX_WINDOW_SAFETY_MS, marginMs * WINDOW_SAFETY_SHARE);
    return { token: answer.token, expiresAt, renewAt: latestExpiry - marginMs + safetyMs };
  }

  private remember(scoped: AppScopedKey, token: FeishuCachedToken): FeishuCachedToken {
    this.memory.set(scoped.key, token);
    const now = this.options.clock();
    // Feishu hands back the same token while its reuse window lasts (and rounds `expire` down), so
    // a renewal may not move the due time; then check again soon, but before callers lose the token.
    const recheckMs = Math.min(MIN_RECHECK_MS, (token.expiresAt - now - this.leewayMs()) / 2);
    const dueAt = Math.max(this.dueAt(token), now + Math.max(0, recheckMs));
    this.notBefore.set(scoped.key, dueAt);
    this.status.appTokenScheduled(scoped.key, dueAt);
    return token;
  }

  private recordFailure(scoped: AppScopedKey, error: Error): void {
    const attempt = (this.failures.get(scoped.key) ?? 0) + 1;
    this.failures.set(scoped.key, attempt);
    const retryAt =
      this.options.clock() +
      MIN_RECHECK_MS +
      fullJitterDelay(attempt, FAILURE_BACKOFF_BASE_MS, FAILURE_BACKOFF_MAX_MS);
    this.notBefore.set(scoped.key, retryAt);
    const cached = this.memory.get(scoped.key);
    const stillValid = cached !== undefined && this.isUsable(cached, this.options.clock());
    this.status.failed(scoped.kind, scoped.subject, error, stillValid);
    const retryable = !(error instanceof FeishuApiError) || error.retryable;
    const reschedule = retryable || error instanceof FeishuAppTicketUnavailableError;
    const next = reschedule
      ? this.store.scheduleRefresh(scoped.key, retryAt)
      : this.store.unscheduleRefresh(scoped.key);
    next.catch((storeError: unknown) =>
      this.logger.warn(
        `Could not update the refresh schedule of ${scoped.key}: ${(storeError as Error).message}`,
      ),
    );
  }

  /**
   * From `renewAt` (see `toCachedToken`); a token written without it (a store that drops unknown
   * fields) allows for the rounding. Never later than the moment callers stop being served the
   * cached token (only with margins of a few seconds, shorter than Feishu's rounding allows for).
   */
  private dueAt(token: FeishuCachedToken): number {
    const marginMs = this.options.refresh.appTokenMarginSeconds * 1000;
    const sureAt = token.renewAt ?? token.expiresAt - marginMs + EXPIRE_ROUNDING_MS;
    return Math.min(sureAt, token.expiresAt - this.leewayMs());
  }

  /** Still worth handing out: more than a small leeway before Feishu stops accepting it. */
  private isUsable(token: FeishuCachedToken, now: number): boolean {
    return token.expiresAt - now > this.leewayMs();
  }

  private leewayMs(): number {
    return Math.min(30_000, (this.options.refresh.appTokenMarginSeconds * 1000) / 2);
  }

  private isDue(key: string, token: FeishuCachedToken, now: number): boolean {
    return now >= Math.max(this.dueAt(token), this.notBefore.get(key) ?? 0);
  }

  private isStoredDue(token: FeishuCachedToken, now: number): boolean {
    return now >= this.dueAt(token);
  }

  // ---- Feishu calls --------------------------------------------------------------------------

  private async fetchAppToken(): Promise<IssuedToken> {
    const { appId, appSecret } = this.options;
    if (this.options.appType === 'self-built') {
      return this.postForToken(
        PATHS.appInternal,
        { app_id: appId, app_secret: appSecret },
        'app_access_token',
      );
    }
    const ticket = await this.store.getAppTicket(appId);
    if (!ticket) throw await this.ticketUnavailable();
    try {
      return await this.postForToken(
        PATHS.appStore,
        { app_id: appId, app_secret: appSecret, app_ticket: ticket },
        'app_access_token',
      );
    } catch (error) {
      if (
        error instanceof FeishuApiError &&
        feishuCodeMeaning(error.code)?.recover === 'resend-app-ticket'
      ) {
        throw await this.ticketUnavailable(error, true);
      }
      throw error;
    }
  }

  private async fetchTenantToken(tenantKey: string): Promise<IssuedToken> {
    const { appId, appSecret } = this.options;
    if (this.options.tenantToken.grant === 'client_credentials') {
      return requestClientCredentialsToken(this.http, this.options);
    }
    if (this.options.appType === 'self-built') {
      return this.postForToken(
        PATHS.tenantInternal,
        { app_id: appId, app_secret: appSecret },
        'tenant_access_token',
      );
    }
    const appToken = await this.getAppAccessToken();
    try {
      return await this.postForToken(
        PATHS.tenantStore,
        { app_access_token: appToken, tenant_key: tenantKey },
        'tenant_access_token',
      );
    } catch (error) {
      if (!(error instanceof FeishuApiError) || error.kind !== 'invalid-token') throw error;
      // The app token was revoked early: drop it and try once with a fresh one.
      await this.invalidate(this.appKey(), appToken);
      return this.postForToken(
        PATHS.tenantStore,
        { app_access_token: await this.getAppAccessToken(), tenant_key: tenantKey },
        'tenant_access_token',
      );
    }
  }

  private async postForToken(
    path: string,
    body: Record<string, string>,
    field: 'app_access_token' | 'tenant_access_token',
  ): Promise<IssuedToken> {
    const startedAt = this.options.clock();
    const { body: answer } = await this.http.request<AuthV3Body>({
      method: 'POST',
      url: `${this.options.domain.open}${path}`,
      body,
    });
    const token = answer[field];
    const expire = Number(answer.expire);
    if (typeof token !== 'string' || token.length === 0 || !Number.isFinite(expire) || expire < 0) {
      throw new FeishuApiError({
        code: -1,
        message: messages.missingTokenFieldMessage(
          typeof token === 'string' && token ? 'expire' : field,
        ),
        endpoint: path,
        kind: 'transient',
      });
    }
    return { token, expire, startedAt, finishedAt: this.options.clock() };
  }

  private async ticketUnavailable(
    cause?: unknown,
    force = false,
  ): Promise<FeishuAppTicketUnavailableError> {
    try {
      await this.requestAppTicket(force);
    } catch (error) {
      this.logger.warn(`app_ticket resend failed: ${(error as Error).message}`);
    }
    return new FeishuAppTicketUnavailableError(messages.appTicketUnavailableMessage(), { cause });
  }
}
