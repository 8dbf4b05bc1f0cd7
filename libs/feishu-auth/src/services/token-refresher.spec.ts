import type { HttpException } from '@nestjs/common';
import { FeishuApiError } from '../feishu-auth.errors.js';
import { toFeishuHttpException } from '../feishu-auth.http-errors.js';
import { resolveFeishuAuthOptions } from '../feishu-auth.options.js';
import { InMemoryTokenStore } from '../storage/in-memory-token.store.js';
import { FeishuRefreshLockTimeoutError } from './refresh-lock-timeout.error.js';
import { type RenewalTask, TokenRefresher } from './token-refresher.js';
import { TokenStatusTracker } from './token-status.tracker.js';

const KEY = 'tenant:cli_1:internal';
const OTHER_INSTANCE_LEASE_MS = 60_000;

/** A renewal whose parts the test sets; counts how often it renewed. */
class FakeTask implements RenewalTask<string> {
  readonly key = KEY;
  readonly kind = 'tenant' as const;
  renewals = 0;
  /** What another instance's renewal left in the store, once it landed. */
  landedValue: string | undefined;
  staleValue: string | undefined;
  failWith: Error | undefined;

  constructor(private readonly onRenew: () => void = () => undefined) {}

  async renew(): Promise<string> {
    this.renewals++;
    this.onRenew();
    await new Promise((resolve) => setTimeout(resolve, 20));
    if (this.failWith) throw this.failWith;
    return `renewed-${this.renewals}`;
  }

  async landed(): Promise<string | undefined> {
    return this.landedValue;
  }

  stale(): string | undefined {
    return this.staleValue;
  }
}

describe('TokenRefresher', () => {
  let store: InMemoryTokenStore;
  let status: TokenStatusTracker;
  let refresher: TokenRefresher;

  beforeEach(() => {
    const options = resolveFeishuAuthOptions({
      appId: 'cli_1',
      appSecret: 'refresher-spec-app-secret',
      redirectUri: 'https://example.com/auth/feishu/callback',
      session: { secret: 'refresher-spec-session-secret-012' },
      http: { timeoutMs: 100 },
      refresh: { lockLeaseMs: 1_000, lockWaitMs: 300 },
    });
    store = new InMemoryTokenStore();
    status = new TokenStatusTracker(options);
    refresher = new TokenRefresher(options, store, status);
  });

  const otherInstanceLocks = (leaseMs = OTHER_INSTANCE_LEASE_MS) => store.acquireLock(KEY, leaseMs);

  it('should renew once for every concurrent caller of a key, and release the lock', async () => {
    const task = new FakeTask();

    const answers = await Promise.all(
      Array.from({ length: 20 }, () => refresher.renewAndWait(task)),
    );

    expect(answers).toEqual(Array(20).fill('renewed-1'));
    expect(task.renewals).toBe(1);
    expect(await store.acquireLock(KEY, 1_000)).toBeDefined();
  });

  it('should skip a scheduled renewal while another instance holds the lock', async () => {
    await otherInstanceLocks();
    const task = new FakeTask();

    await expect(refresher.tryRenew(task)).resolves.toBeUndefined();

    expect(task.renewals).toBe(0);
  });

  it("should answer another instance's renewal once it lands in the store, without renewing", async () => {
    await otherInstanceLocks();
    const task = new FakeTask();
    setTimeout(() => (task.landedValue = 'theirs'), 100);

    await expect(refresher.renewAndWait(task)).resolves.toBe('theirs');

    expect(task.renewals).toBe(0);
  });

  it("should take the renewal over once the holder's lease has run out", async () => {
    await otherInstanceLocks(100);
    const task = new FakeTask();

    await expect(refresher.renewAndWait(task)).resolves.toBe('renewed-1');

    expect(task.renewals).toBe(1);
  });

  it('should make a caller that joined a background renewal wait, when that one gave up to another instance', async () => {
    const owner = (await otherInstanceLocks())!;
    const task = new FakeTask();

    refresher.renewInBackground(task);
    const waiting = refresher.renewAndWait(task);
    setTimeout(() => void store.releaseLock(KEY, owner), 100);

    await expect(waiting).resolves.toBe('renewed-1');
    expect(task.renewals).toBe(1);
  });

  it('should serve what is still valid when the lock stays held past lockWaitMs', async () => {
    await otherInstanceLocks();
    const task = new FakeTask();
    task.staleValue = 'still-valid';

    await expect(refresher.renewAndWait(task)).resolves.toBe('still-valid');

    expect(task.renewals).toBe(0);
  });

  it('should throw FeishuRefreshLockTimeoutError, answered 503, when the lock stays held and nothing valid is left', async () => {
    await otherInstanceLocks();
    const task = new FakeTask();

    const error: unknown = await refresher.renewAndWait(task).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(FeishuRefreshLockTimeoutError);
    expect(error).not.toBeInstanceOf(FeishuApiError);
    expect(error).toMatchObject({ tokenKind: 'tenant', waitedMs: 300 });
    expect((toFeishuHttpException(error) as HttpException).getStatus()).toBe(503);
    expect(task.renewals).toBe(0);
  });

  it('should report a failure once, back off background renewals, and never reject them', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const error = new Error('Feishu is down');
    const task: FakeTask = new FakeTask(() => {
      refresher.failed(KEY, { kind: 'tenant', subject: 'internal', error, stillValid: true });
    });
    task.failWith = error;

    refresher.renewInBackground(task);
    await new Promise((resolve) => setTimeout(resolve, 100));
    refresher.renewInBackground(task);
    await new Promise((resolve) => setTimeout(resolve, 100));
    process.off('unhandledRejection', onUnhandled);

    expect(task.renewals).toBe(1);
    expect(status.snapshot().failures).toEqual({ Error: 1 });
    expect(refresher.notBefore(KEY)).toBeGreaterThan(Date.now());
    expect(unhandled).toEqual([]);
    refresher.succeeded(KEY);
    expect(refresher.notBefore(KEY)).toBe(0);
  });
});
