export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface EventuallyOptions {
  /** What the test waits for, named in the timeout error: `'the refresh to reach Feishu'`. */
  what?: string;
  /** Default 5 s: real time, so it holds on a loaded machine. */
  timeoutMs?: number;
  /** Default 25 ms. */
  intervalMs?: number;
}

/**
 * Retries `read` until it neither throws nor answers `false`, and resolves with its answer: a
 * condition (`() => calls(emulator, key) === 1`) or a read that fails for a while (a store that
 * reconnects). After `timeoutMs` it rejects with the last error, or says the condition never held.
 */
export async function eventually<T>(
  read: () => T | Promise<T>,
  { what = 'the condition', timeoutMs = 5_000, intervalMs = 25 }: EventuallyOptions = {},
): Promise<Exclude<T, false>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let failure: unknown;
    try {
      const value = await read();
      if (value !== false) return value as Exclude<T, false>;
      failure = new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    } catch (error) {
      failure = error;
    }
    if (Date.now() >= deadline) throw failure;
    await sleep(intervalMs);
  }
}
