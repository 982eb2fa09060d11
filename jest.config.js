/** One runner for every test: unit (*.spec.ts beside the code), integration (*.integration.spec.ts) and e2e (test/*.e2e-spec.ts). */
const swc = ['@swc/jest', { swcrc: false, jsc: { parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true }, keepClassNames: true, target: 'es2022' } }];
module.exports = {
  testEnvironment: 'node',
  // NestJS 12, jose 6 and puppeteer-core ship ES modules only; Node runs them through require(esm), Jest's module runtime does not, so swc compiles them too.
  transform: { '^.+\\.ts$': swc, '^.+/node_modules/(@nestjs|jose|puppeteer-core|@puppeteer|chromium-bidi)/.+\\.js$': ['@swc/jest', { swcrc: false, module: { type: 'commonjs' }, jsc: { target: 'es2022' } }] },
  transformIgnorePatterns: ['/node_modules/(?!@nestjs/|jose/|puppeteer-core/|@puppeteer/|chromium-bidi/)'],
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
  // Suites that spawn the built app (dist/) share one build, made before any of them starts; every suite's
  // databases live on TEST_DATABASE_URL, a throwaway Postgres cluster for the run when not given.
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 120000,
  maxWorkers: 2,
};
