import { base } from './jest.config.js';

/** Tests that start real servers (redis-server, Chromium, packed packages). */
export default {
  ...base,
  roots: ['<rootDir>/test'],
  testMatch: ['**/test/**/*.integration-spec.ts'],
  testTimeout: 300000,
};
