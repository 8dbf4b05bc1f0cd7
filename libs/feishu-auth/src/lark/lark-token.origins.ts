import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import type { FeishuTokenRef } from '../services/managed-tokens.js';
import { LARK_TOKEN_ORIGINS_MAX } from './feishu-lark.constants.js';

/**
 * Which managed token (app, tenant, user) each token handed to the SDK client is. The SDK puts
 * only `Authorization: Bearer <token>` on a request; when Feishu rejects that token, this tells
 * which cached token to drop and where to get a fresh one. Bounded (least recently used first).
 * Internal.
 */
@Injectable()
export class LarkTokenOrigins {
  private readonly origins = new LRUCache<string, FeishuTokenRef>({ max: LARK_TOKEN_ORIGINS_MAX });

  /** Records `ref` as the origin of `token` and returns the token. */
  remember(token: string, ref: FeishuTokenRef): string {
    this.origins.set(token, ref);
    return token;
  }

  /** The origin of a token this client handed out, or `undefined` for any other token. */
  originOf(token: string): FeishuTokenRef | undefined {
    return this.origins.get(token);
  }
}
