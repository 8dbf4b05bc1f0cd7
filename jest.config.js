import { swcTypeScript } from './scripts/swc-options.mjs';

// Jest runs in ESM mode (NODE_OPTIONS=--experimental-vm-modules) because @nestjs/* 12 is ESM-only.
const swc = ['@swc/jest', { ...swcTypeScript, sourceMaps: 'inline' }];

/** @type {import('jest').Config} */
export const base = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: {
    '^@feishu-auth/nestjs$': '<rootDir>/libs/feishu-auth/src/index.ts',
    '^@feishu-auth/nestjs/(lark|health|testing)$': '<rootDir>/libs/feishu-auth/src/$1/index.ts',
    '^@feishu-auth/emulator$': '<rootDir>/libs/feishu-emulator/src/index.ts',
    '^@feishu-auth/emulator/testing$': '<rootDir>/libs/feishu-emulator/src/testing/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/libs/.*/dist/'],
};

export default {
  ...base,
  roots: ['<rootDir>/libs', '<rootDir>/apps', '<rootDir>/test', '<rootDir>/docs/examples'],
  // README samples that are whole test suites run as they are shown.
  testMatch: ['**/*.spec.ts', '**/test/**/*.e2e-spec.ts', '**/docs/examples/*.e2e-spec.ts'],
  testTimeout: 30000,
};
