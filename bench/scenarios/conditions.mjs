// Claim conditions (rule W2): token-endpoint throughput of jwt-bearer grants from a trusted issuer with
// ten CEL claim conditions (and a subject mapping) against the same issuer with none. The target:
// ten conditions cost at most 5% of throughput. In-process engine (exchange: parse, verify, conditions,
// replay, sign the access token), GitHub-Actions-shaped RS256 tokens with a fresh jti each. Also the
// optional section `conditions` of run.mjs (--only=conditions). Needs the core build
// (npm run build -w packages/core).
//
//   node bench/conditions.mjs            # about a minute on 2 cores
//   node bench/conditions.mjs --quick    # a few seconds
//   node bench/conditions.mjs --reps=5   # more interleaved runs on a noisy machine
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { createAuthorizationServer, parseTrustConfig } from '../packages/core/dist/index.js';
import { compileCel } from '../packages/core/dist/workload/cel.js';
import { failedCondition } from '../packages/core/dist/workload/policy.js';

const AS = 'https://as.bench.test';
const GITHUB = 'https://token.actions.githubusercontent.com';
const IN_FLIGHT = 32;
const quick = process.argv.includes('--quick');
const COUNT = quick ? 1000 : 4000;
const repsArg = process.argv.find((a) => a.startsWith('--reps='));
const REPS = repsArg ? Number(repsArg.slice('--reps='.length)) : quick ? 1 : 3;

/** Ten conditions of the kind the recipes show: ids, ref, environment, workflow, event, runner, header. */
export const TEN_CONDITIONS = Object.freeze([
  "claims.repository_owner_id == '123456'",
  "claims.repository_id == '456789'",
  "claims.ref == 'refs/heads/main'",
  "claims.ref_type == 'branch'",
  "claims.event_name == 'push'",
  "claims.runner_environment == 'github-hosted'",
  "claims.job_workflow_ref.startsWith('octo-org/octo-repo/.github/workflows/deploy.yml@')",
  "has(claims.environment) && claims.environment == 'production'",
  "claims.repository_visibility in ['private', 'internal']",
  "header.alg == 'RS256' && claims.sub.startsWith('repo:octo-org/')",
]);

/** Calls per second (wall clock) and CPU microseconds per call (steadier on a shared machine). */
async function measure(count, concurrency, fn) {
  let next = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await fn(next++);
    }),
  );
  const used = process.cpuUsage(cpu);
  return { perSecond: (count / (performance.now() - start)) * 1000, cpuMicros: (used.user + used.system) / count };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function claims(now) {
  const iat = Math.floor(now / 1000);
  const wf = 'octo-org/octo-repo/.github/workflows/deploy.yml@refs/heads/main';
  return {
    iss: GITHUB, sub: 'repo:octo-org/octo-repo:environment:production', aud: AS, iat, nbf: iat - 600, exp: iat + 300,
    ref: 'refs/heads/main', ref_type: 'branch', repository: 'octo-org/octo-repo', repository_id: '456789', repository_owner: 'octo-org',
    repository_owner_id: '123456', repository_visibility: 'private', environment: 'production', event_name: 'push', run_id: '9876543210',
    actor: 'octocat', actor_id: '1001', workflow: 'deploy', job_workflow_ref: wf, workflow_ref: wf, runner_environment: 'github-hosted',
    sha: 'e4c0b6a1c3f8d2b9a7e5f1d3c6b8a0e2f4d6c8b1',
  };
}

const request = (assertion) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }).toString(),
});

/** Microseconds to evaluate the ten conditions once on one claims set, alone (median of `reps` runs of `count`). */
function conditionsAlone(count, reps) {
  const compiled = TEN_CONDITIONS.map((c) => compileCel(c, 'bool'));
  const input = { claims: claims(Date.now()), header: { alg: 'RS256', kid: 'gh-1', typ: 'JWT' } };
  const runs = [];
  for (let r = 0; r < reps + 1; r++) {
    const start = performance.now();
    for (let i = 0; i < count; i++) if (failedCondition(compiled, input) !== undefined) throw new Error('a condition failed');
    if (r > 0) runs.push(((performance.now() - start) * 1000) / count); // the first run warms up
  }
  return +median(runs).toFixed(2);
}

/**
 * Rows { scenario, mode, perSecond, cpuMicros, ratio } (ratio of rates to "no conditions" in the same
 * mode), and `conditionsMicros`: the ten conditions evaluated alone, microseconds per grant.
 */
export async function benchConditions({ count = COUNT, reps = REPS } = {}) {
  const now = Date.now();
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'gh-1', alg: 'RS256', use: 'sig' };
  const base = { issuer: GITHUB, jwks: { keys: [jwk] }, scope: 'deploy' };
  const servers = [
    ['no conditions (allow_any_subject)', { ...base, allow_any_subject: true }],
    ['ten claim_conditions', { ...base, claim_conditions: [...TEN_CONDITIONS] }],
    ['ten claim_conditions + subject_mapping', { ...base, claim_conditions: [...TEN_CONDITIONS], subject_mapping: "'gha:' + claims.repository + ':' + claims.ref" }],
  ];
  const engines = [];
  for (const [name, entry] of servers) {
    const config = parseTrustConfig({ trusted_issuers: [entry] }, 'bench');
    engines.push([name, await createAuthorizationServer({ issuer: AS, trustedIssuers: config.trustedIssuers, now: () => now })]);
  }
  const template = claims(now);
  const tokens = async (n) => Promise.all(Array.from({ length: n }, () => new SignJWT({ ...template, jti: randomUUID() }).setProtectedHeader({ alg: 'RS256', kid: 'gh-1', typ: 'JWT' }).sign(privateKey)));
  const rows = [];
  for (const [mode, concurrency] of [['one at a time', 1], [`${IN_FLIGHT} in flight`, IN_FLIGHT]]) {
    const rates = new Map(engines.map(([name]) => [name, []]));
    const cpu = new Map(engines.map(([name]) => [name, []]));
    for (let rep = 0; rep < reps; rep++) {
      for (const [name, server] of engines) {
        const warm = await tokens(200);
        for (const t of warm) await server.exchange(request(t));
        const list = await tokens(count);
        const m = await measure(count, concurrency, async (i) => {
          await server.exchange(request(list[i]));
        });
        rates.get(name).push(m.perSecond);
        cpu.get(name).push(m.cpuMicros);
      }
    }
    const baseline = median(rates.get(engines[0][0]));
    for (const [name] of engines) {
      const perSecond = median(rates.get(name));
      rows.push({ scenario: name, mode, perSecond: Math.round(perSecond), cpuMicros: Math.round(median(cpu.get(name))), ratio: +(perSecond / baseline).toFixed(3) });
    }
  }
  return { rows, conditionsMicros: conditionsAlone(count * 5, reps) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { printTable } = await import('./table.mjs');
  const { rows, conditionsMicros } = await benchConditions();
  printTable(
    `Claim conditions (rule W2): jwt-bearer grants per second at the token endpoint, in-process (Node ${process.version}, ${COUNT} grants, median of ${REPS})`,
    ['scenario', 'mode', 'grants/s', 'CPU us/grant', 'rate vs none'],
    rows.map((r) => [r.scenario, r.mode, r.perSecond, r.cpuMicros, `${r.ratio.toFixed(3)}x`]),
  );
  const none = Math.min(...rows.filter((r) => r.scenario.startsWith('no conditions')).map((r) => r.cpuMicros));
  console.log(`\nThe ten conditions alone: ${conditionsMicros} us per grant, ${((conditionsMicros / none) * 100).toFixed(1)}% of a grant's CPU without them (${none} us).`);
}
