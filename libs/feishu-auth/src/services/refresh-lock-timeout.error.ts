import { FeishuAuthError } from '../feishu-auth.errors.js';
import { refreshLockTimeoutMessage } from '../feishu-auth.messages.js';
import type { FeishuTokenKind } from './token-status.tracker.js';

/**
 * A caller needed a token that another instance was renewing, and within `refresh.lockWaitMs`
 * neither did that renewal land in the store nor did the lock come free to take it over. Nothing
 * was lost: the other instance's renewal may still land. Answered as 503: try again.
 *
 * @publicApi
 */
export class FeishuRefreshLockTimeoutError extends FeishuAuthError {
  constructor(
    /** Which token was being renewed. */
    readonly tokenKind: FeishuTokenKind,
    /** How long the caller waited (`refresh.lockWaitMs`). */
    readonly waitedMs: number,
  ) {
    super(refreshLockTimeoutMessage());
  }
}
