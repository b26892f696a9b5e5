import * as core from '@rfc7523/core';

/**
 * What every adapter re-exports from the engine, by name (values only: types leave no trace at run
 * time): the factory, the trust file, ConfigurationError, the protocol constants, the OAuth errors and
 * the error responses. Written out here, apart from the sources, as the list users are promised.
 */
export const ENGINE_EXPORTS: readonly string[] = [
  ...['createAuthorizationServer', 'AuthorizationServer', 'loadTrustConfig', 'parseTrustConfig', 'ConfigurationError'],
  ...['JWT_BEARER_GRANT_TYPE', 'JWT_BEARER_CLIENT_ASSERTION_TYPE', 'CLIENT_CREDENTIALS_GRANT_TYPE', 'ASSERTION_ALGORITHMS'],
  ...['OAuthError', 'InvalidRequestError', 'InvalidClientError', 'InvalidGrantError', 'UnauthorizedClientError', 'UnsupportedGrantTypeError'],
  ...['InvalidScopeError', 'TemporarilyUnavailableError', 'InvalidTokenError', 'InsufficientScopeError', 'OAUTH_ERROR_MARK', 'oauthErrorResponse', 'toErrorResponse'],
];

/** Engine internals no adapter hands out (Nest's `own` list may name the node helpers its README uses). */
const INTERNALS = ['safeDescription', 'writeNodeResponse', 'documentResponse', 'plainRequestFromNode', 'formFields', 'endpointPaths', 'asOAuthError', 'NO_STORE_HEADERS'];

/**
 * The export-list tests of one adapter: exactly `own` plus {@link ENGINE_EXPORTS}, no other engine
 * internal, and the engine's own objects (so that `instanceof` holds whichever package a user imports from).
 */
export function describeAdapterExports(name: string, adapter: Record<string, unknown>, own: readonly string[]): void {
  describe(`${name} exports`, () => {
    it('exactly its own API and the engine names chosen for users, nothing more', () => {
      expect(Object.keys(adapter).sort()).toEqual([...own, ...ENGINE_EXPORTS].sort());
    });

    it('no engine internal (safeDescription, writeNodeResponse…) unless it is part of its own API', () => {
      for (const internal of INTERNALS.filter((n) => !own.includes(n))) expect(adapter).not.toHaveProperty(internal);
    });

    it('the engine objects themselves, not copies', () => {
      for (const engineName of ENGINE_EXPORTS) expect(adapter[engineName]).toBe((core as Record<string, unknown>)[engineName]);
    });
  });
}
