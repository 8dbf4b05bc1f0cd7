import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { InMemoryTokenStore } from '../storage/in-memory-token.store.js';
import {
  describeAppTicketContract,
  describeEventClaimContract,
  describeLockContract,
  describeRefreshScheduleContract,
  describeSessionContract,
  describeTokenCacheContract,
  describeTokenStoreContract,
  describeUserTokenContract,
  type TokenStoreContractOptions,
  type TokenStoreHarness,
  type TokenStoreTestRunner,
} from './index.js';
import { NO_TEST_RUNNER_MESSAGE } from './token-store-contract.harness.js';

/** A runner that records what a contract declares (block path → test titles) without running it. */
function recordingRunner(): { runner: TokenStoreTestRunner; declared: Map<string, string[]> } {
  const declared = new Map<string, string[]>();
  const path: string[] = [];
  const runner: TokenStoreTestRunner = {
    describe: (name, body) => {
      path.push(name);
      body();
      path.pop();
    },
    it: (name) => {
      const block = path.slice(1).join(' > ');
      declared.set(block, [...(declared.get(block) ?? []), name]);
    },
    beforeEach: () => undefined,
    afterEach: () => undefined,
    expect,
  };
  return { runner, declared };
}

const harness = (): TokenStoreHarness => ({
  store: new InMemoryTokenStore(),
  now: () => Date.now(),
  advance: async () => undefined,
});

type Declare = (
  name: string,
  factory: () => TokenStoreHarness,
  options: TokenStoreContractOptions,
) => void;

describe('the token store contract suite', () => {
  it.each<[string, Declare, string[]]>([
    ['describeTokenCacheContract', describeTokenCacheContract, ['app and tenant tokens']],
    ['describeAppTicketContract', describeAppTicketContract, ['app tickets']],
    ['describeEventClaimContract', describeEventClaimContract, ['handled events']],
    ['describeUserTokenContract', describeUserTokenContract, ['user token records']],
    ['describeSessionContract', describeSessionContract, ['sessions']],
    ['describeLockContract', describeLockContract, ['locks']],
    ['describeRefreshScheduleContract', describeRefreshScheduleContract, ['due index']],
    [
      'describeTokenStoreContract',
      describeTokenStoreContract,
      [
        'app and tenant tokens',
        'app tickets',
        'handled events',
        'user token records',
        'sessions',
        'locks',
        'due index',
        'roles kept apart',
      ],
    ],
  ])('should declare with %s the tests of its roles only', (_name, declare, blocks) => {
    const { runner, declared } = recordingRunner();

    declare('Store', harness, { runner });

    expect([...declared.keys()]).toEqual(blocks);
  });

  it('should declare every role contract test in the joined contract, and the exact-clock tests only when asked', () => {
    const roles = recordingRunner();
    for (const declare of [
      describeTokenCacheContract,
      describeAppTicketContract,
      describeEventClaimContract,
      describeUserTokenContract,
      describeSessionContract,
      describeLockContract,
      describeRefreshScheduleContract,
    ]) {
      declare('Store', harness, { runner: roles.runner, exactClock: true });
    }
    const joined = recordingRunner();
    describeTokenStoreContract('Store', harness, { runner: joined.runner, exactClock: true });
    const withoutExactClock = recordingRunner();
    describeTokenStoreContract('Store', harness, { runner: withoutExactClock.runner });

    const titles = (declared: Map<string, string[]>) => [...declared.values()].flat();
    expect(titles(joined.declared)).toEqual(expect.arrayContaining(titles(roles.declared)));
    expect(titles(joined.declared).filter((title) => /last millisecond/.test(title))).toHaveLength(
      2,
    );
    expect(
      titles(withoutExactClock.declared).filter((title) => /last millisecond/.test(title)),
    ).toEqual([]);
  });

  describe('without a runner and without global test functions', () => {
    const saved = (globalThis as { expect?: unknown }).expect;

    beforeEach(() => {
      delete (globalThis as { expect?: unknown }).expect;
    });

    afterEach(() => {
      (globalThis as { expect?: unknown }).expect = saved;
    });

    it('should say how to pass the runner instead of failing on an undefined global', () => {
      expect(() => describeTokenStoreContract('Store', harness)).toThrow(NO_TEST_RUNNER_MESSAGE);
    });
  });
});
