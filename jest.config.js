// Jest runs in ESM mode (NODE_OPTIONS=--experimental-vm-modules) because @nestjs/* 12 is ESM-only.
// @swc/jest compiles TypeScript with legacy decorators and decorator metadata, which Nest's DI needs.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'es6' },
    sourceMaps: 'inline',
  },
];

/** @type {import('jest').Config} */
export const base = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: {
    '^@feishu-auth/nestjs$': '<rootDir>/libs/feishu-auth/src/index.ts',
    '^@feishu-auth/emulator$': '<rootDir>/libs/feishu-emulator/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/libs/.*/dist/'],
};

export default {
  ...base,
  roots: ['<rootDir>/libs', '<rootDir>/apps', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/test/**/*.e2e-spec.ts'],
  testTimeout: 30000,
};
