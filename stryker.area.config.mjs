/**
 * One area of the mutation run at a time, each against the tests of that area only (a first run of a
 * file is much cheaper so: its mutants do not run the whole engine suite). The results go to the area's
 * own report in reports/areas/ (git-ignored); merge them into the committed report with
 * scripts/merge-mutation-reports.mjs (docs/testing.md, "Incremental mode").
 *
 *   MUTATE_AREA=jwt npx stryker run stryker.area.config.mjs
 */
import base from './stryker.config.mjs';

const core = (...paths) => paths.map((p) => `packages/core/${p}`);
const tests = (...paths) => paths.map((p) => `<rootDir>/packages/${p}`);

/** Area → the files it mutates and the tests that exercise them. */
export const AREAS = {
  assertion: {
    mutate: core('src/assertion/steps.ts', 'src/assertion/pipeline.ts', 'src/assertion/rules.ts', 'src/assertion/registration.ts', 'src/assertion/subject.ts', 'src/assertion/typ.ts', 'src/grants/**/*.ts'),
    tests: tests('core/test/{assertion,grants,id-jag,workload}/**/*.test.ts', 'core/test/{error-claim,events,errors,server}.test.ts'),
  },
  jwt: {
    mutate: core('src/jwt/**/*.ts'),
    tests: tests('core/test/jwt/**/*.test.ts', 'core/test/assertion/header.test.ts', 'core/test/property.test.ts'),
  },
  keys: {
    mutate: core('src/keys/**/*.ts'),
    tests: tests('core/test/keys/**/*.test.ts', 'core/test/assertion/header.test.ts', 'core/test/telemetry/key-fetch.test.ts', 'core/test/workload/**/*.test.ts'),
  },
  request: {
    mutate: core('src/request/**/*.ts', 'src/scope.ts', 'src/client-authentication.ts'),
    tests: tests('core/test/request/**/*.test.ts', 'core/test/{scope,server,errors}.test.ts', 'core/test/assertion/client-assertion.test.ts', 'core/test/grants/**/*.test.ts'),
  },
  replay: {
    mutate: [...core('src/replay/**/*.ts'), 'packages/redis/src/redis-replay-store.ts'],
    tests: tests('core/test/replay/**/*.test.ts', 'core/test/assertion/**/*.test.ts', 'redis/test/{redis-replay-store,one-time-assertions,create-redis-replay-store}.test.ts'),
  },
};

const name = process.env.MUTATE_AREA ?? '';
const area = AREAS[name];
if (area === undefined) throw new Error(`MUTATE_AREA must be one of ${Object.keys(AREAS).join(', ')}; got "${name}"`);

export default {
  ...base,
  mutate: area.mutate,
  jest: { ...base.jest, config: { testMatch: area.tests } },
  incrementalFile: `reports/areas/${name}.json`,
  // Stryker's limit per mutant is 1.5 × the covering tests' own time plus this: shorter than the main
  // configuration's 10 s because the covering tests of one area are few.
  timeoutMS: 6000,
  concurrency: 2,
  reporters: ['clear-text', 'progress-append-only'],
};
