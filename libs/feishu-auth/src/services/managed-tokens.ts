import { Inject, Injectable } from '@nestjs/common';
import { FeishuTokenRefError } from '../feishu-auth.errors.js';
import { feishuCodeMeaning } from '../http/feishu-error-codes.js';
import {
  type FeishuCachedToken,
  FeishuTokenStore,
} from '../interfaces/feishu-token-store.interface.js';
import { AppTokenManager } from './app-token.manager.js';
import { UserTokenManager } from './user-token.manager.js';

/** Which managed token a call carries: the app's, a tenant's or a user's. @publicApi */
export interface FeishuTokenRef {
  /** Which managed token to attach. */
  token: 'tenant' | 'user' | 'app';
  /** For `token: 'tenant'` in store apps: the tenant to act for. */
  tenantKey?: string;
  /** For `token: 'user'`: whose token. */
  openId?: string;
}

/**
 * The one place a managed token is fetched for a call and dropped when Feishu rejects it, shared
 * by `FeishuClient` and the official SDK's client (`@feishu-auth/nestjs/lark`). Internal.
 */
@Injectable()
export class ManagedTokens {
  constructor(
    private readonly appTokens: AppTokenManager,
    private readonly userTokens: UserTokenManager,
    @Inject(FeishuTokenStore) private readonly store: FeishuTokenStore,
  ) {}

  /** Whether Feishu's `code` means "this token is not accepted": drop it and retry once. */
  static rejectsToken(code: unknown): boolean {
    return feishuCodeMeaning(code)?.recover === 'fresh-token';
  }

  async get(ref: FeishuTokenRef): Promise<string> {
    switch (ref.token) {
      case 'tenant':
        return this.appTokens.getTenantAccessToken(ref.tenantKey);
      case 'app':
        return this.appTokens.getAppAccessToken();
      case 'user':
        return this.userTokens.getUserAccessToken(requireOpenId(ref.openId));
      default:
        throw new FeishuTokenRefError(`Feishu token must be 'tenant', 'user' or 'app'.`);
    }
  }

  /** Drops `token` if it is still the cached one (a token another caller renewed is kept). */
  async invalidate(ref: FeishuTokenRef, token: string): Promise<void> {
    switch (ref.token) {
      case 'tenant':
        return this.appTokens.invalidate(this.appTokens.tenantKey(ref.tenantKey), token);
      case 'app':
        return this.appTokens.invalidate(this.appTokens.appKey(), token);
      case 'user':
        return this.userTokens.invalidate(requireOpenId(ref.openId), token);
    }
  }

  /**
   * The app or tenant token as the shared store holds it (any instance may have fetched it), without
   * renewing it or calling Feishu: for health checks.
   */
  async stored(
    ref: Omit<FeishuTokenRef, 'openId'> & { token: 'app' | 'tenant' },
  ): Promise<FeishuCachedToken | undefined> {
    const scoped =
      ref.token === 'app' ? this.appTokens.appKey() : this.appTokens.tenantKey(ref.tenantKey);
    return this.store.getToken(scoped.key);
  }

  /** Drops the rejected `token` and answers a fresh one for the single retry. */
  async replace(ref: FeishuTokenRef, rejected: string): Promise<string> {
    await this.invalidate(ref, rejected);
    return this.get(ref);
  }
}

function requireOpenId(openId: string | undefined): string {
  if (typeof openId !== 'string' || openId.length === 0) {
    throw new FeishuTokenRefError(`Feishu token 'user' needs the user's openId.`);
  }
  return openId;
}
