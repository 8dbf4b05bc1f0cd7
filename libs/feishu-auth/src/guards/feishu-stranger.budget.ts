import { Inject, Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { FEISHU_AUTH_OPTIONS } from '../feishu-auth.constants.js';
import { FeishuBudgetExceededError } from '../feishu-auth.errors.js';
import type { ResolvedFeishuAuthOptions } from '../feishu-auth.options.js';
import {
  clientAddress,
  setResponseHeader,
  type FeishuHttpRequest,
  type FeishuHttpResponse,
} from '../http/feishu-http.adapter.js';
import { refundToken, takeToken, type TokenBucket } from '../utils/token-bucket.js';

/** The message of the 429 answer; names no address, token or code. */
export const BUDGET_EXCEEDED_MESSAGE =
  'Too many unauthenticated requests from this client reached Feishu; retry later.';

/**
 * The budget of unauthenticated work each client may make the app ask Feishu for (option
 * `strangerBudget`): validating a Bearer token not seen before, exchanging an in-app code. A token
 * bucket per client address, in a bounded LRU (the least recently seen client is forgotten, which
 * gives it a full bucket again). A success gives its token back, so a real user is never starved by
 * their own sign-ins; token refreshes never take one. Per instance: each instance keeps its own.
 *
 * @publicApi
 */
@Injectable()
export class FeishuStrangerBudget {
  private readonly buckets: LRUCache<string, TokenBucket>;

  constructor(@Inject(FEISHU_AUTH_OPTIONS) private readonly options: ResolvedFeishuAuthOptions) {
    this.buckets = new LRUCache({ max: options.strangerBudget.maxClients });
  }

  /**
   * Takes one call from the client's budget; over it, sets `Retry-After` (whole seconds) on the
   * response and throws `FeishuBudgetExceededError` (answered 429).
   */
  spend(request: FeishuHttpRequest, response: FeishuHttpResponse): void {
    const key = this.clientKey(request);
    const take = takeToken(this.buckets.get(key), this.options.strangerBudget, this.now());
    this.buckets.set(key, take.bucket);
    if (!take.granted) {
      setResponseHeader(response, 'Retry-After', String(Math.ceil(take.retryAfterMs / 1000)));
      throw new FeishuBudgetExceededError(BUDGET_EXCEEDED_MESSAGE, take.retryAfterMs);
    }
  }

  /** Gives the call back: it proved legitimate (a user this app holds, a signed-in code). */
  refund(request: FeishuHttpRequest): void {
    const key = this.clientKey(request);
    const bucket = this.buckets.get(key);
    if (bucket !== undefined) {
      this.buckets.set(key, refundToken(bucket, this.options.strangerBudget, this.now()));
    }
  }

  /** Whose budget a request spends: its client address. Override to key by something else. */
  protected clientKey(request: FeishuHttpRequest): string {
    return clientAddress(request);
  }

  private now(): number {
    return this.options.clock();
  }
}
