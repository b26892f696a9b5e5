/**
 * Mutation testing (StrykerJS) of the security-critical code: `npm run mutate`. See docs/testing.md for
 * the score per file, the equivalent mutants left out, and how CI runs the incremental check.
 *
 * Incremental: results are kept in reports/stryker-incremental.json (committed), so a run re-tests only
 * the mutants whose code or covering tests changed since that report. `npm run mutate -- --force`
 * re-tests everything.
 */
export default {
  packageManager: 'npm',
  testRunner: 'jest',
  // jest 30 runs our ESM tests only with Node's VM modules.
  testRunnerNodeArgs: ['--experimental-vm-modules'],
  jest: {
    projectType: 'custom',
    configFile: 'jest.config.js',
    // The suites of the mutated modules: every engine test goes through the pipeline, but the adapters,
    // demos and conformance suites test the same code through HTTP and would cost ~30 s a mutant. The
    // Redis cluster and sentinel suites start several servers each and test topology, not the store.
    config: {
      testMatch: [
        '<rootDir>/packages/core/test/{assertion,grants,id-jag,jwt,keys,replay,request,workload}/**/*.test.ts',
        '<rootDir>/packages/core/test/{scope,errors,events,error-claim,server,property}.test.ts',
        // How a key-set download failed (timeout, HTTP status, size, parse) is checked through its telemetry.
        '<rootDir>/packages/core/test/telemetry/key-fetch.test.ts',
        '<rootDir>/packages/redis/test/{redis-replay-store,one-time-assertions,create-redis-replay-store}.test.ts',
      ],
    },
    enableFindRelatedTests: false,
  },
  coverageAnalysis: 'perTest',
  // A static mutant (module-level code: a regex, a rule table) can only be tested by re-running every
  // test (~30 s each here); they are left out of the score and listed in docs/testing.md.
  ignoreStatic: true,
  // The security-critical files whose score docs/testing.md records: everything an assertion, a token
  // request, a key lookup or a replay check goes through. First runs are made
  // area by area (stryker.area.config.mjs). Files of types only (registration.ts, grant-handler.ts,
  // plain-request.ts) have no mutants and are left out, so that the report lists every file here.
  mutate: [
    'packages/core/src/assertion/steps.ts',
    'packages/core/src/assertion/pipeline.ts',
    'packages/core/src/assertion/rules.ts',
    'packages/core/src/assertion/subject.ts',
    'packages/core/src/assertion/typ.ts',
    'packages/core/src/client-authentication.ts',
    'packages/core/src/scope.ts',
    'packages/core/src/grants/client-credentials-grant.ts',
    'packages/core/src/grants/jwt-bearer-grant.ts',
    'packages/core/src/jwt/**/*.ts',
    'packages/core/src/keys/**/*.ts',
    'packages/core/src/replay/**/*.ts',
    'packages/core/src/request/form.ts',
    'packages/core/src/request/urlencoded.ts',
    'packages/redis/src/redis-replay-store.ts',
  ],
  // The sandbox needs the sources and tests above, the jest config and test/support (Redis helpers).
  ignorePatterns: ['apps', 'bench', 'docs', 'reports', 'test/conformance', 'test/interop', 'test/packaging', 'test/docs', 'packages/express', 'packages/koa', 'packages/fastify', 'packages/nestjs', 'packages/client'],
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  thresholds: { high: 98, low: 95, break: 95 },
  // The CI machine has 2 cores; one test process leaves the other to Redis and the rest of the system.
  concurrency: 1,
  // Generous: on a loaded 2-core machine a surviving mutant must not pass for a timed-out (killed) one.
  timeoutMS: 10000,
  reporters: ['clear-text', 'progress-append-only', 'html'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  clearTextReporter: { allowColor: false, logTests: false, reportMutants: true, reportScoreTable: true },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
