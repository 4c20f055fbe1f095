// Three tiers (TESTING.md). `npm test` builds first: integration and end-to-end tests use the
// compiled apps and the embedded PostgreSQL started once by the global setup.
// NestJS 12 ships ES modules only, and Jest on Node 20 cannot require() them: compile those
// packages to CommonJS for the tests (cached after the first run). The built apps load them natively.
// execa and its ES-module-only dependencies too: the worker's tests (test/integration/worker) load the run's code,
// which reaches the process runner (@app/process) through @app/ansible and @app/keys.
const EXECA = ['execa', '@sindresorhus/merge-streams', 'figures', 'is-unicode-supported', 'get-stream', '@sec-ant/readable-stream', 'is-stream', 'human-signals', 'is-plain-obj', 'npm-run-path', 'path-key', 'unicorn-magic', 'pretty-ms', 'parse-ms', 'strip-final-newline', 'yoctocolors'];
const ESM_PACKAGES = ['@nestjs', 'uid', ...EXECA];

const common = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
    '^.+/node_modules/.+\\.js$': '<rootDir>/test/support/esm-to-cjs-transformer.js',
  },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_PACKAGES.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    '^@app/(config|database|domain|ansible|keys|process|realtime)$': '<rootDir>/libs/$1/src',
    // Exported for `import` only (no require or default condition), which Jest's resolver skips.
    '^unicorn-magic$': '<rootDir>/node_modules/unicorn-magic/node.js',
  },
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
