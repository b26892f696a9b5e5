import { SpanKind, SpanStatusCode, type Attributes } from '@opentelemetry/api';
import { ATTR, NAMES, type KEY_FETCH_RESULTS } from './attributes.js';
import { instruments, quietly, telemetryActive, tracer } from './instruments.js';

/** Result of one `jwks_uri` fetch, from the fixed set `KEY_FETCH_RESULTS`. */
export type KeyFetchResult = (typeof KEY_FETCH_RESULTS)[number];

/** What a key fetch reports when it ends. */
export interface KeyFetchReport {
  readonly result: KeyFetchResult;
  /** HTTP status of the response, when one arrived. */
  readonly status?: number;
  /** Number of keys in the set, on success. */
  readonly keys?: number;
}

/**
 * Runs one `jwks_uri` fetch (rule J10, OIDC Core §10.1) inside the active span `rfc7523.jwks_fetch`
 * (kind INTERNAL; an HTTP client span made by the host's fetch instrumentation is its child) and counts
 * it in `rfc7523.key_fetches` by result. `work` must not reject: it reports how the fetch ended.
 */
export async function traceKeyFetch(uri: string, work: () => Promise<KeyFetchReport>): Promise<void> {
  if (!telemetryActive()) {
    await work();
    return;
  }
  return tracer().startActiveSpan(NAMES.keyFetchSpan, { kind: SpanKind.INTERNAL, attributes: { [ATTR.url]: uri } }, async (span) => {
    const report = await work();
    quietly(() => {
      const metric: Attributes = { [ATTR.result]: report.result };
      span.setAttributes(metric);
      if (report.status !== undefined) span.setAttribute(ATTR.httpStatus, report.status);
      if (report.keys !== undefined) span.setAttribute(ATTR.keyCount, report.keys);
      if (report.result !== 'ok') {
        span.setAttribute(ATTR.errorType, report.result);
        span.setStatus({ code: SpanStatusCode.ERROR, message: report.result });
      }
      span.end();
      instruments().keyFetches.add(1, metric);
    });
  });
}
