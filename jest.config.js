/** Three kinds of tests, told apart by their file names (STYLE.md 11). */
// Transpile only: type errors are the job of 'npm run typecheck', which CI runs.
const transform = { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] };
const common = {
  transform,
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/.data/'],
};
const withServices = {
  // Finds out once whether EventStoreDB can be reached (its suite is skipped, with the reason, if not).
  globalSetup: '<rootDir>/tests/support/global-setup.ts',
  globalTeardown: '<rootDir>/tests/support/global-teardown.ts',
};

module.exports = {
  testTimeout: 60_000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/**/*.unit.test.ts'] },
    {
      ...common,
      ...withServices,
      displayName: 'int',
      testMatch: ['<rootDir>/**/*.int.test.ts'],
    },
    {
      ...common,
      ...withServices,
      displayName: 'e2e',
      testMatch: ['<rootDir>/**/*.e2e.test.ts'],
    },
  ],
};
