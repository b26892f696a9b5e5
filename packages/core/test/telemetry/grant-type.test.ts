/** The grant type label of a token request (docs/operations.md): read lightly from any body form, bounded. */
import { JWT_BEARER_GRANT_TYPE } from '@rfc7523/core';
import { grantTypeOf } from '../../src/telemetry/grant-type.js';

const post = (body: string | Uint8Array | Record<string, unknown> | undefined) => ({ method: 'POST', headers: {}, body });

it.each([
  ['a text form', post('scope=a&grant_type=client_credentials'), 'client_credentials'],
  ['percent-encoded', post(`grant_type=${encodeURIComponent(JWT_BEARER_GRANT_TYPE)}&assertion=x`), JWT_BEARER_GRANT_TYPE],
  ['bytes', post(new TextEncoder().encode(`assertion=x&grant_type=${encodeURIComponent(JWT_BEARER_GRANT_TYPE)}`)), JWT_BEARER_GRANT_TYPE],
  ['a parsed body', post({ grant_type: 'client_credentials' }), 'client_credentials'],
  ['a made-up grant type', post('grant_type=urn%3Aexample%3Aanything'), 'other'],
  ['a parameter that only ends in grant_type', post('xgrant_type=client_credentials'), 'none'],
  ['no grant_type', post('scope=a'), 'none'],
  ['an empty grant_type', post('grant_type='), 'none'],
  ['broken percent-encoding', post('grant_type=%E0%A4%A'), 'none'],
  ['no body', post(undefined), 'none'],
  ['a GET', { method: 'GET', headers: {}, body: 'grant_type=client_credentials' }, 'none'],
  ['a body over maxBodyLength', post(`grant_type=client_credentials&pad=${'a'.repeat(300)}`), 'none'],
])('%s', (_name, request, expected) => {
  expect(grantTypeOf(request, 200)).toBe(expected);
});
