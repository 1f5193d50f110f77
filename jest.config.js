/**
 * One jest run for the whole repository: the server's unit and integration
 * tests, the console's unit tests and its browser tests. The global setup provides a
 * PostgreSQL (TEST_DATABASE_URL / DATABASE_URL, else an embedded one) and a
 * migrated template database that every test file clones.
 */
const tsJest = ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }];

/** @type {import('jest').Config} */
module.exports = {
  // Integration tests start real servers and databases; the 5 s default is for unit tests.
  testTimeout: 60_000,
  globalSetup: '<rootDir>/server/test/support/global-setup.cjs',
  globalTeardown: '<rootDir>/server/test/support/global-teardown.cjs',
  projects: [
    {
      displayName: 'server',
      rootDir: '<rootDir>/server',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
      transform: { '^.+\\.ts$': tsJest },
      setupFiles: ['<rootDir>/test/support/jest-setup.ts'],
      testTimeout: 60_000,
    },
    {
      // The console's own logic (formatters) as plain unit tests.
      displayName: 'console-unit',
      rootDir: '<rootDir>/web',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/test/tsconfig.json' }] },
    },
    {
      displayName: 'console',
      rootDir: '<rootDir>/web',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/e2e/**/*.e2e.test.ts'],
      transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/e2e/tsconfig.json' }] },
      testTimeout: 240_000,
    },
  ],
};
