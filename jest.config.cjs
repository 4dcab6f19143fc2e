// Two projects so `npm run test:unit` stays fast and DynamoDB Local / servers only start for integration tests.
const transform = { '^.+\\.(t|j|mj)s$': ['@swc/jest', { jsc: { target: 'es2023' } }] };
const common = {
  transform,
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  clearMocks: true,
  // middy ships ESM only; jest runs CommonJS, so swc transforms it like our own code.
  transformIgnorePatterns: ['/node_modules/(?!@middy/)'],
  setupFiles: ['<rootDir>/test/support/jest-env.ts'],
  // packages/client/src imports its own files as `./x.js` (what Node's ESM needs once built): the
  // .ts here. Only those names, so that no dependency's `./x.js` is read as a `./x.ts` beside it.
  moduleNameMapper: { '^\\./(client|errors|http|invoke|types|webhook)\\.js$': './$1' },
};
module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/**/*.unit.test.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/**/*.integration.test.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
  testTimeout: 30000,
};
