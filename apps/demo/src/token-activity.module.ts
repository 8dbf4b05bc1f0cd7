import { Injectable, Logger, Module } from '@nestjs/common';
import type { FeishuTokenRefreshEvent, FeishuTokenRefreshFailedEvent } from '@feishu-auth/nestjs';

/** The last thing that happened to one token, as the library's callbacks reported it. */
export interface TokenActivityEntry {
  kind: 'app' | 'tenant' | 'user';
  /** app id, tenant key or open id. */
  subject: string;
  /** Epoch ms; from the last renewal. */
  expiresAt?: number;
  renewals: number;
  proactiveRenewals: number;
  failures: number;
  lastError?: string;
}

/**
 * Records `onTokenRefreshed` / `onTokenRefreshFailed` events per token, so `/status` can say which
 * tokens exist and what happened to each. The events carry no token, nor does this.
 */
@Injectable()
export class TokenActivity {
  private readonly logger = new Logger('TokenActivity');
  private readonly entries = new Map<string, TokenActivityEntry>();

  refreshed(event: FeishuTokenRefreshEvent): void {
    const entry = this.entry(event.kind, event.subject);
    entry.expiresAt = event.expiresAt;
    entry.renewals++;
    if (event.proactive) {
      entry.proactiveRenewals++;
    }
    this.logger.log(
      `${event.proactive ? 'Proactively renewed' : 'Fetched'} the ${event.kind} token of ` +
        `${event.subject}; it expires at ${new Date(event.expiresAt).toISOString()}.`,
    );
  }

  failed(event: FeishuTokenRefreshFailedEvent): void {
    const entry = this.entry(event.kind, event.subject);
    entry.failures++;
    entry.lastError = event.error.message;
  }

  /** A user signed in: list their tokens from now on (their first tokens fire no event). */
  signedIn(openId: string): void {
    this.entry('user', openId);
  }

  /** Forgets an entry (a user who signed out). */
  forget(kind: TokenActivityEntry['kind'], subject: string): void {
    this.entries.delete(`${kind}:${subject}`);
  }

  list(): TokenActivityEntry[] {
    return [...this.entries.values()].map((entry) => ({ ...entry }));
  }

  private entry(kind: TokenActivityEntry['kind'], subject: string): TokenActivityEntry {
    const key = `${kind}:${subject}`;
    let entry = this.entries.get(key);
    if (entry === undefined) {
      entry = { kind, subject, renewals: 0, proactiveRenewals: 0, failures: 0 };
      this.entries.set(key, entry);
    }
    return entry;
  }
}

/** Provides {@link TokenActivity} to `FeishuAuthModule.forRootAsync`'s factory and to the app. */
@Module({ providers: [TokenActivity], exports: [TokenActivity] })
export class TokenActivityModule {}
