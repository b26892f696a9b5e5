import type { AssertionUse } from '@rfc7523/core';

/** Which RFC 7523 use an assertion is explained for: client authentication (§2.2) or grant (§2.1). */
export type ExplainUse = 'client' | 'grant';

/**
 * The engine's name of each use. The checks themselves, their order, rule ids and reason codes come
 * from the engine: ASSERTION_RULES and AuthorizationServer.traceAssertion in @rfc7523/core.
 */
export const ASSERTION_USE: Readonly<Record<ExplainUse, AssertionUse>> = Object.freeze({
  client: 'client_authentication',
  grant: 'authorization_grant',
});
