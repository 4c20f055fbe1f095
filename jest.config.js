// Three tiers (TESTING.md). `npm test` builds first: integration and end-to-end tests use the
// compiled apps and the embedded PostgreSQL started once by the global setup.
// NestJS 12 ships ES modules only, and Jest on Node 20 cannot require() them: compile those
// packages to CommonJS for the tests (cached after the first run). The built apps load them natively.
const ESM_PACKAGES = ['@nestjs', 'uid'];

const common = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
    '^.+/node_modules/.+\\.js$': '<rootDir>/test/support/esm-to-cjs-transformer.js',
  },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_PACKAGES.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: { '^@app/(config|database|domain|ansible|keys|realtime)$': '<rootDir>/libs/$1/src' },
};

module.exports = {
  globalSetup: '<rootDir>/test/support/global-setup.js',
  globalTeardown: '<rootDir>/test/support/global-teardown.js',
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  maxWorkers: 2,
  testTimeout: 120_000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.test.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.test.ts'] },
  ],
};
