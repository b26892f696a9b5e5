// Claim conditions (rule W2): token-endpoint throughput of jwt-bearer grants from a trusted issuer with
// ten CEL claim conditions (and a subject mapping) against the same issuer with none (the target is in
// targets.mjs). In-process engine (exchange: parse, verify, conditions, replay, sign the access token),
// GitHub-Actions-shaped RS256 tokens with a fresh jti each. The optional section `conditions` of run.mjs
// (--only=conditions). Needs the core build (npm run build -w packages/core).
//
//   node bench/scenarios/conditions.mjs
//   node bench/scenarios/conditions.mjs --quick    # a smoke run
//   node bench/scenarios/conditions.mjs --reps=5   # more interleaved rounds on a noisy machine
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { createAuthorizationServer, parseTrustConfig } from '../../packages/core/dist/index.js';
import { compileCel } from '../../packages/core/dist/workload/cel.js';
import { failedCondition } from '../../packages/core/dist/workload/policy.js';
import { BENCH_ISSUER as AS } from '../lib/assertions.mjs';
import { interleaved, modes } from '../lib/interleave.mjs';
import { defineSection, isMain, runAlone } from '../lib/section.mjs';
import { median } from '../lib/stats.mjs';
import { table, times } from '../lib/table.mjs';

// Not GitHub's own issuer: for that one the engine requires an id-pinning condition (so "none" could not
// be measured); the tokens carry GitHub's claims all the same.
const GITHUB = 'https://token.ci.bench.test';
const IN_FLIGHT = 32;

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
 * mode and round), and `conditionsMicros`: the ten conditions evaluated alone, microseconds per grant.
 */
async function benchConditions({ count, reps }) {
  const now = Date.now();
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'gh-1', alg: 'RS256', use: 'sig' };
  const base = { issuer: GITHUB, jwks: { keys: [jwk] }, scope: 'deploy' };
  const servers = [
    ['no conditions (allow_any_subject)', { ...base, allow_any_subject: true }],
    ['ten claim_conditions', { ...base, claim_conditions: [...TEN_CONDITIONS] }],
    ['ten claim_conditions + subject_mapping', { ...base, claim_conditions: [...TEN_CONDITIONS], subject_mapping: "'gha:' + claims.repository + ':' + claims.ref" }],
  ];
  const engines = new Map();
  for (const [name, entry] of servers) {
    const config = parseTrustConfig({ trusted_issuers: [entry] }, 'bench');
    engines.set(name, await createAuthorizationServer({ issuer: AS, trustedIssuers: config.trustedIssuers, now: () => now }));
  }
  const template = claims(now);
  const tokens = async (n) => Promise.all(Array.from({ length: n }, () => new SignJWT({ ...template, jti: randomUUID() }).setProtectedHeader({ alg: 'RS256', kid: 'gh-1', typ: 'JWT' }).sign(privateKey)));
  const rows = await interleaved([...engines.keys()], {
    reps,
    modes: modes(IN_FLIGHT),
    prepare: async (name) => {
      const server = engines.get(name);
      for (const t of await tokens(200)) await server.exchange(request(t));
      const list = await tokens(count);
      return { count, call: (i) => server.exchange(request(list[i])) };
    },
  });
  return { rows, conditionsMicros: conditionsAlone(count * 5, reps) };
}

const SETTINGS = { quick: { count: 1000, reps: 1 }, full: { count: 4000, reps: 3 } };

/** The section's tables: (result, settings) → [{ title, header, rows }]. */
const tables = ({ rows, conditionsMicros }, { count, reps }) => [
  table(`Claim conditions (rule W2): jwt-bearer grants per second at the token endpoint, in-process, ${count} grants, median of ${reps} interleaved rounds; the ten conditions alone take ${conditionsMicros} us per grant`, ['scenario', 'mode', 'grants/s', 'CPU us/grant', 'rate vs none'], rows.map((r) => [r.scenario, r.mode, r.perSecond, r.cpuMicros, times(r.ratio)])),
];

export const section = defineSection('conditions', 'Claim conditions: jwt-bearer grants with ten CEL conditions against none…', SETTINGS, benchConditions, tables, { optional: true });

if (isMain(import.meta.url)) await runAlone(section);
