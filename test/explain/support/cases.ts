/**
 * The assertions the explain page is tried with on every demo (docs/explain.md): one every rule passes,
 * one with the token endpoint as `aud` (rule J3: a client assertion names the issuer identifier alone, so
 * the default strict audience policy refuses it), an expired one (rule J4) and garbage (rule J13).
 */
import { clientAssertion, TOKEN_ENDPOINT, type Clock, type Keys } from '../../conformance/support/fixture.js';

/** One case: its name (used in screenshot names), the token, and the step expected to fail (none: all pass). */
export interface ExplainCase {
  name: 'valid' | 'token-endpoint-aud' | 'expired' | 'garbage';
  token: string;
  failing?: { id: string; rule: string; reason: string };
}

/** Garbage with markup in it: the page must show it as text, never as HTML. */
export const GARBAGE = 'this is not a JWT <img src=x onerror=alert(1)><b id="injected">bold</b>';

/** The four cases, minted for the es-client of the conformance trust file at the clock's time. */
export async function explainCases(keys: Keys, clock: Clock): Promise<ExplainCase[]> {
  const now = clock.seconds();
  return [
    { name: 'valid', token: await clientAssertion(keys.es, 'es-client', clock) },
    {
      name: 'token-endpoint-aud',
      token: await clientAssertion(keys.es, 'es-client', clock, { claims: { aud: TOKEN_ENDPOINT } }),
      failing: { id: 'aud', rule: 'J3', reason: 'aud_mismatch' },
    },
    {
      name: 'expired',
      token: await clientAssertion(keys.es, 'es-client', clock, { claims: { iat: now - 600, exp: now - 300 } }),
      failing: { id: 'exp', rule: 'J4', reason: 'expired' },
    },
    { name: 'garbage', token: GARBAGE, failing: { id: 'compact', rule: 'J13', reason: 'malformed_jwt' } },
  ];
}

/** One step of the dry-run endpoint's answer (ExplainReport of @rfc7523/core). */
export interface ReportStep {
  id: string;
  rule: string;
  check: string;
  status: string;
  reason?: string;
  fix?: string;
}

/** POSTs a dry run to a demo's /explain as the page does (a form), returning status and JSON body. */
export async function postExplain(baseUrl: string, fields: Record<string, string>): Promise<{ status: number; body: { verdict?: string; steps?: ReportStep[]; error_description?: string } }> {
  const response = await fetch(`${baseUrl}/explain`, { method: 'POST', body: new URLSearchParams(fields) });
  return { status: response.status, body: (await response.json()) as never };
}
