/** `npm run test:unit`: only the *.spec.ts beside the code. They do no I/O, so no Postgres, no Kafka and no build. */
const everyTest = require('./jest.config');

module.exports = {
  ...everyTest,
  globalSetup: undefined,
  globalTeardown: undefined,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '\\.integration\\.spec\\.ts$'],
};
