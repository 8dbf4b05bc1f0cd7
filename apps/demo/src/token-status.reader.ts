import { Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import {
  FEISHU_AUTH_DEFAULTS,
  FeishuTokenStore,
  TokenService,
  type FeishuTokenStatus,
} from '@feishu-auth/nestjs';
import type { DemoSettings } from './demo.settings.js';
import { TokenActivity, type TokenActivityEntry } from './token-activity.module.js';

/**
 * One token the demo's TokenService holds. Carries no token, and a user's open_id only for that
 * user (`subject` is absent on other users' rows).
 */
export interface DemoCachedToken extends Omit<TokenActivityEntry, 'subject'> {
  subject?: string;
  /** Epoch ms from which the scheduler renews it (expiry minus the configured margin). */
  renewsFrom?: number;
  /** User tokens: when the refresh token runs out (the user must then sign in again). */
  refreshTokenExpiresAt?: number;
}

/** What `/status` and `/api/status` show. Carries no token. */
export interface DemoTokenStatus {
  /** Epoch ms at which this snapshot was taken. */
  now: number;
  target: DemoSettings['target'];
  /** Renewal margins in effect, in seconds. */
  margins: { appTokenSeconds: number; userTokenSeconds: number };
  tokens: DemoCachedToken[];
  /** `TokenService.status()`: renewal counts, failures, scheduler state. */
  service: FeishuTokenStatus;
}

/** Combines `TokenService.status()`, the token events and the store into the status pages' data. */
@Injectable()
export class TokenStatusReader {
  private readonly demo: DemoSettings;

  constructor(
    private readonly tokens: TokenService,
    private readonly activity: TokenActivity,
    @Inject(FeishuTokenStore) private readonly store: FeishuTokenStore,
    config: ConfigService,
  ) {
    this.demo = config.getOrThrow<DemoSettings>('demo');
  }

  /** @param viewerOpenId the signed-in visitor: the only user whose open_id the snapshot names. */
  async snapshot(viewerOpenId?: string): Promise<DemoTokenStatus> {
    const margins = this.margins();
    const tokens: DemoCachedToken[] = [];
    for (const entry of this.activity.list()) {
      const token = entry.kind === 'user' ? await this.withUserRecord(entry) : entry;
      if (token === undefined) {
        continue;
      }
      const margin = entry.kind === 'user' ? margins.userTokenSeconds : margins.appTokenSeconds;
      const hidden = entry.kind === 'user' && entry.subject !== viewerOpenId;
      tokens.push({
        ...token,
        subject: hidden ? undefined : entry.subject,
        renewsFrom: token.expiresAt === undefined ? undefined : token.expiresAt - margin * 1000,
      });
    }
    return {
      now: Date.now(),
      target: this.demo.target,
      margins,
      tokens,
      service: this.tokens.status(),
    };
  }

  /** Expiry of the tenant token held for `tenantKey` (a self-built app has just one tenant). */
  tenantTokenExpiry(tenantKey: string): number | undefined {
    const tenants = this.activity.list().filter((entry) => entry.kind === 'tenant');
    const exact = tenants.find((entry) => entry.subject === tenantKey);
    return (exact ?? (tenants.length === 1 ? tenants[0] : undefined))?.expiresAt;
  }

  /** The store is the truth for user tokens: a signed-out or expired user is no longer listed. */
  private async withUserRecord(entry: TokenActivityEntry): Promise<DemoCachedToken | undefined> {
    const record = await this.store.getUserToken(this.demo.appId, entry.subject);
    if (record === undefined) {
      this.activity.forget('user', entry.subject);
      return undefined;
    }
    return {
      ...entry,
      expiresAt: record.accessTokenExpiresAt,
      refreshTokenExpiresAt: record.refreshTokenExpiresAt,
    };
  }

  private margins(): DemoTokenStatus['margins'] {
    return {
      appTokenSeconds:
        this.demo.refresh.appTokenMarginSeconds ??
        FEISHU_AUTH_DEFAULTS.refresh.appTokenMarginSeconds,
      userTokenSeconds:
        this.demo.refresh.userTokenMarginSeconds ??
        FEISHU_AUTH_DEFAULTS.refresh.userTokenMarginSeconds,
    };
  }
}
