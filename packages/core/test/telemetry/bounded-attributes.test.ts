/**
 * Cardinality: whatever the requests carry (distinct jti, subjects, client ids, issuers, grant types,
 * reasons), every attribute value on every metric point belongs to the fixed sets of
 * docs/operations.md, and no identifier from a request reaches a metric.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { JWT_BEARER_CLIENT_ASSERTION_TYPE, type ReasonCode } from '@rfc7523/core';
import {
  ASSERTION_OUTCOMES,
  ERROR_TYPES,
  GRANT_TYPES,
  KEY_FETCH_RESULTS,
  NAMES,
  REASON_CODES,
  REPLAY_RESULTS,
  TOKEN_OUTCOMES,
  USE_CASES,
} from '../../src/telemetry/attributes.js';
import { INSTRUMENTATION_SCOPE } from '../../src/telemetry/version.js';
import { installOtel, type OtelHarness } from '../../../../test/support/otel.js';
import { clientClaims, clientCredentials, formRequest, frozenClock, grantClaims, jwks, jwtBearer, makeKey, makeServer, sign, type TestKey } from '../support/fixtures.js';

/** Compile-time: REASON_CODES lists every ReasonCode of errors.ts (a new code must be added there). */
type Missing = Exclude<ReasonCode, (typeof REASON_CODES)[number]>;
const everyReasonListed: [Missing] extends [never] ? true : Missing = true;

/** The fixed value set of each attribute allowed on a metric. */
const ALLOWED: Record<string, ReadonlySet<unknown>> = {
  'oauth.grant_type': new Set(GRANT_TYPES),
  'rfc7523.use_case': new Set([...USE_CASES, 'other']),
  'rfc7523.outcome': new Set([...TOKEN_OUTCOMES, ...ASSERTION_OUTCOMES]),
  'rfc7523.reason': new Set(REASON_CODES),
  'error.type': new Set(ERROR_TYPES),
  'rfc7523.result': new Set([...KEY_FETCH_RESULTS, ...REPLAY_RESULTS]),
};

const corePackage = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { name: string; version: string };
const clock = frozenClock();
let workerKey: TestKey;
let issuerKey: TestKey;
let strangerKey: TestKey;
let otel: OtelHarness;

beforeAll(async () => {
  workerKey = await makeKey('ES256', 'w1');
  issuerKey = await makeKey('ES256', 'i1');
  strangerKey = await makeKey('ES256', 's1');
  otel = installOtel();
});

afterAll(() => otel.uninstall());

it('the instrumentation scope is the package name and version; every reason code is in the fixed set', () => {
  expect(INSTRUMENTATION_SCOPE).toEqual({ name: corePackage.name, version: corePackage.version });
  expect(everyReasonListed).toBe(true);
  expect(new Set(REASON_CODES).size).toBe(REASON_CODES.length);
});

it('50 requests with distinct jti, subjects, clients, issuers and grant types give metric points from the fixed sets only', async () => {
  const server = await makeServer({
    now: clock.now,
    clients: [{ client_id: 'worker', jwks: jwks(workerKey), scope: 'read' }],
    trustedIssuers: [{ issuer: 'ci', jwks: jwks(issuerKey), allow_any_subject: true }],
  });
  const identifiers = new Set<string>();
  const note = (value: string) => (identifiers.add(value), value);
  const statuses: number[] = [];
  for (let i = 0; i < 50; i++) {
    const jti = note(randomUUID());
    const subject = note(`subject-${randomUUID()}`);
    const stranger = note(`client-${randomUUID()}`);
    let request;
    switch (i % 5) {
      case 0: // accepted grant, distinct subject and jti
        request = jwtBearer(await sign(issuerKey, grantClaims(clock, 'ci', subject, { jti })));
        break;
      case 1: // accepted client authentication
        request = clientCredentials(await sign(workerKey, clientClaims(clock, 'worker', { jti })));
        break;
      case 2: // an unknown issuer with a fresh name
        request = jwtBearer(await sign(strangerKey, grantClaims(clock, stranger, subject, { jti })));
        break;
      case 3: // an unknown client with a fresh id
        request = formRequest({
          grant_type: 'client_credentials',
          client_assertion_type: JWT_BEARER_CLIENT_ASSERTION_TYPE,
          client_assertion: await sign(strangerKey, clientClaims(clock, stranger, { jti })),
        });
        break;
      default: // a made-up grant type carrying free text
        request = formRequest({ grant_type: note(`urn:x:${randomUUID()}`), assertion: note(`free text ${jti}`) });
    }
    statuses.push((await server.handleTokenRequest(request)).status);
  }
  expect(statuses.filter((s) => s === 200)).toHaveLength(20);

  const points = await otel.points();
  expect(new Set(points.map((p) => p.name))).toEqual(
    new Set([NAMES.tokenRequests, NAMES.verificationDuration, NAMES.replayStoreDuration]),
  );
  for (const point of points) {
    for (const [name, value] of Object.entries(point.attributes)) {
      expect([name, ALLOWED[name]?.has(value)]).toEqual([name, true]);
      expect(identifiers.has(String(value))).toBe(false);
    }
  }
  const requests = points.filter((p) => p.name === NAMES.tokenRequests);
  expect(requests.reduce((n, p) => n + p.value, 0)).toBe(50);
  // 50 requests of 5 kinds: a handful of series, not one per request.
  expect(requests.length).toBeLessThanOrEqual(5);
  expect(requests.map((p) => p.attributes).filter((a) => a['oauth.grant_type'] === 'other')).toEqual([
    { 'oauth.grant_type': 'other', 'rfc7523.outcome': 'refused', 'rfc7523.reason': 'unsupported_grant_type', 'error.type': 'unsupported_grant_type' },
  ]);
  // The spans do carry the identifiers a trace needs: the client id on its span (spans only).
  expect(otel.spansNamed('rfc7523.token_request').some((s) => s.attributes['oauth.client_id'] === 'worker')).toBe(true);
});
