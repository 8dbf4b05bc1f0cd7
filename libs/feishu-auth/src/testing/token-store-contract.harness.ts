import type { FeishuTokenStore } from '../interfaces/feishu-token-store.interface.js';

/**
 * One store under test, fresh for each test (an empty store, or an isolated key prefix). `S` is
 * what the store implements: the whole `FeishuTokenStore`, or the one role a contract checks.
 *
 * @publicApi
 */
export interface TokenStoreHarness<S extends object = FeishuTokenStore> {
  store: S;
  /** The time the store reads, in epoch ms. */
  now(): number;
  /** Moves the store's time forward: an injected clock moves, a real backend is waited out. */
  advance(ms: number): Promise<void>;
  /** Another store over the same backend, as a second app instance would have one. */
  peer?(): S;
  /** Frees what the harness opened (stores, connections); `store.close` is called by the suite. */
  dispose?(): Promise<void>;
}

/** Builds the harness before each test. */
export type TokenStoreHarnessFactory<S extends object = FeishuTokenStore> = () =>
  TokenStoreHarness<S> | Promise<TokenStoreHarness<S>>;

/** The matchers the contract uses: Jest's and Vitest's `expect` both have them. */
export interface TokenStoreContractMatchers {
  toBe(expected: unknown): unknown;
  toEqual(expected: unknown): unknown;
  toBeDefined(): unknown;
  toBeUndefined(): unknown;
  toHaveLength(length: number): unknown;
  readonly not: { toBe(expected: unknown): unknown };
  readonly resolves: { toBeUndefined(): PromiseLike<unknown> };
}

/**
 * The test functions the contract declares its tests with: Vitest's `describe`, `it`, `expect`,
 * `beforeEach` and `afterEach` (the `vitest` module's), Jest's (`@jest/globals`), or another
 * runner's with an `expect` of these matchers. Left out, the runner's globals are used (Jest's by
 * default, Vitest's with `globals: true`).
 *
 * @publicApi
 */
export interface TokenStoreTestRunner {
  describe(name: string, body: () => void): unknown;
  it(name: string, test: () => Promise<void>): unknown;
  beforeEach(hook: () => Promise<void>): unknown;
  afterEach(hook: () => Promise<void>): unknown;
  expect(actual: unknown): TokenStoreContractMatchers;
}

/** What the store under test can be asked beyond the contract itself. @publicApi */
export interface TokenStoreContractOptions {
  /**
   * `advance` moves the store's time exactly (an injected clock): adds tests of the last
   * millisecond of a TTL, which a real backend's clock cannot be held to.
   */
  exactClock?: boolean;
  /** The test functions to declare the tests with; the runner's globals by default. */
  runner?: TokenStoreTestRunner;
}

/** What a role's tests see: the store of the running test, a peer, the clock and the runner. */
export interface ContractContext<S extends object> {
  /** The store of the running test (read it inside a test, not while declaring). */
  readonly store: S;
  now(): number;
  advance(ms: number): Promise<void>;
  /** Another instance's store over the same backend (the same store when the harness has none). */
  peer(): S;
  readonly describe: TokenStoreTestRunner['describe'];
  readonly it: TokenStoreTestRunner['it'];
  /** `it` when the harness moves time exactly, otherwise the test is left out. */
  readonly itWithExactClock: TokenStoreTestRunner['it'];
  readonly expect: TokenStoreTestRunner['expect'];
}

const RUNNER_FUNCTIONS = ['describe', 'it', 'beforeEach', 'afterEach', 'expect'] as const;

export const NO_TEST_RUNNER_MESSAGE =
  "The token store contract found no global describe/it/expect: pass `runner: { describe, it, expect, beforeEach, afterEach }` (from vitest or @jest/globals), or enable your runner's globals.";

/** The runner given, or the test runner's globals. */
function resolveRunner(runner: TokenStoreTestRunner | undefined): TokenStoreTestRunner {
  if (runner) return runner;
  const globals = globalThis as Partial<Record<(typeof RUNNER_FUNCTIONS)[number], unknown>>;
  if (RUNNER_FUNCTIONS.some((name) => typeof globals[name] !== 'function')) {
    throw new TypeError(NO_TEST_RUNNER_MESSAGE);
  }
  return globals as unknown as TokenStoreTestRunner;
}

/**
 * Declares `title` as a describe block whose tests each get a fresh harness from `factory` (its
 * stores closed and the harness disposed after the test), and runs `body` to declare them.
 */
export function describeContract<S extends object>(
  title: string,
  factory: TokenStoreHarnessFactory<S>,
  options: TokenStoreContractOptions,
  body: (context: ContractContext<S>) => void,
): void {
  const runner = resolveRunner(options.runner);
  let harness: TokenStoreHarness<S> | undefined;
  const peers: S[] = [];
  const current = (): TokenStoreHarness<S> => {
    if (!harness) throw new Error('The contract read its store outside a test.');
    return harness;
  };

  runner.describe(title, () => {
    runner.beforeEach(async () => {
      harness = await factory();
    });

    runner.afterEach(async () => {
      const finished = harness;
      harness = undefined;
      if (!finished) return;
      for (const other of peers.splice(0)) await closeStore(other);
      await closeStore(finished.store);
      await finished.dispose?.();
    });

    body({
      get store() {
        return current().store;
      },
      now: () => current().now(),
      advance: (ms) => current().advance(ms),
      peer: () => {
        const { store, peer } = current();
        const other = peer ? peer() : store;
        if (other !== store) peers.push(other);
        return other;
      },
      describe: runner.describe,
      it: runner.it,
      itWithExactClock: options.exactClock ? runner.it : () => undefined,
      expect: runner.expect,
    });
  });
}

/**
 * The `describe…Contract` function of one role: `tests` declared in a block named after the store
 * and the role, each test with a fresh harness.
 */
export function roleContract<S extends object>(
  role: string,
  tests: (context: ContractContext<S>) => void,
): (
  name: string,
  factory: TokenStoreHarnessFactory<S>,
  options?: TokenStoreContractOptions,
) => void {
  return (name, factory, options = {}) =>
    describeContract(`${name} (${role} contract)`, factory, options, tests);
}

async function closeStore(store: object): Promise<void> {
  await (store as { close?: () => Promise<void> }).close?.();
}
