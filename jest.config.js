/**
 * One jest configuration for the whole tree. ESM throughout: run with
 * NODE_OPTIONS=--experimental-vm-modules (the root `npm test` script does).
 * Packages are mapped to their sources so tests never need a build.
 */
const swc = [
  '@swc/jest',
  {
    jsc: {
      target: 'es2022',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
    },
    module: { type: 'es6' },
  },
];

export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: {
    '^@rfc7523/demo-kit$': '<rootDir>/apps/demo-kit/src/index.ts',
    '^@rfc7523/([a-z-]+)$': '<rootDir>/packages/$1/src/index.ts',
    // Subpath entries (`@rfc7523/core/node`, `/constants`, `/validation`): each is one src file.
    '^@rfc7523/([a-z-]+)/([a-z-]+)$': '<rootDir>/packages/$1/src/$2.ts',
    '^(express|koa|nest|fastify)-demo$': '<rootDir>/apps/$1-demo/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testMatch: ['<rootDir>/packages/*/test/**/*.test.ts', '<rootDir>/apps/*/test/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
  collectCoverageFrom: ['packages/*/src/**/*.ts'],
  coverageReporters: ['text-summary', 'json-summary'],
  // Generous: some files spawn Node processes or start Nest apps, which take seconds on a loaded CI
  // machine. A test that hangs still fails, only later.
  testTimeout: 60000,
};
