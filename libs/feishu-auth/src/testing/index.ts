export { describeTokenStoreContract } from './token-store.contract.js';
export { describeTokenCacheContract } from './token-cache.contract.js';
export { describeAppTicketContract } from './app-ticket.contract.js';
export { describeEventClaimContract } from './event-claim.contract.js';
export { describeUserTokenContract } from './user-token.contract.js';
export { describeSessionContract } from './session.contract.js';
export { describeLockContract } from './lock.contract.js';
export { describeRefreshScheduleContract } from './refresh-schedule.contract.js';
export type {
  TokenStoreContractMatchers,
  TokenStoreContractOptions,
  TokenStoreHarness,
  TokenStoreHarnessFactory,
  TokenStoreTestRunner,
} from './token-store-contract.harness.js';
