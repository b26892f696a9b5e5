import { AsyncLocalStorage } from 'node:async_hooks';
import { SpanKind, SpanStatusCode, type Attributes, type Span } from '@opentelemetry/api';
import { asOAuthError } from '../error-response.js';
import type { AssertionUse, EventSink, Rfc7523Event } from '../events.js';
import type { ReplayStore } from '../replay/replay-store.js';
import type { PlainRequest } from '../request/plain-request.js';
import { ATTR, NAMES, OTHER, boundedErrorType, boundedReason } from './attributes.js';
import { grantTypeOf } from './grant-type.js';
import { instruments, quietly, secondsSince, telemetryActive, tracer } from './instruments.js';
import { timedReplayStore } from './timed-replay-store.js';

/** What one token request has seen so far (its span, and the events emitted while it ran). */
interface RequestScope {
  readonly span: Span;
  /** `performance.now()` at the start of the request or at the previous assertion's verdict. */
  mark: number;
  readonly useCases: AssertionUse[];
  clientId?: string;
  issuer?: string;
}

/** Longest issuer or client id put on a span, characters (a rejected assertion's `iss` is unverified). */
const MAX_SPAN_TEXT = 256;

const scopes = new AsyncLocalStorage<RequestScope>();

function clip(text: string): string {
  return text.length > MAX_SPAN_TEXT ? text.slice(0, MAX_SPAN_TEXT) : text;
}

/**
 * The engine's OpenTelemetry hooks (docs/operations.md), through `@opentelemetry/api` only: a span
 * `rfc7523.token_request` per token request (RFC 6749 §3.2), metrics built from the events the engine
 * emits (events.ts) plus timing, and a timed replay store. A no-op until the host registers an SDK.
 * Metric attribute values come from the fixed sets of attributes.ts only; client ids and issuers go on
 * spans only.
 */
export class EngineTelemetry {
  /** The sink the engine emits to: records what telemetry needs, then calls the host's listener. */
  readonly sink: EventSink;
  readonly #maxBodyLength: number;

  /** `listener` must not throw (wrap it with `safeSink`); `maxBodyLength` in bytes, as the server's. */
  constructor(listener: EventSink, maxBodyLength: number) {
    this.#maxBodyLength = maxBodyLength;
    this.sink = (event) => {
      quietly(() => observe(event));
      listener(event);
    };
  }

  /** The replay store, timed: `rfc7523.replay_store.duration` and `rfc7523.replay_store.failures`. */
  replayStore(store: ReplayStore): ReplayStore {
    return timedReplayStore(store);
  }

  /**
   * Runs one token request (RFC 6749 §3.2) inside the active span `rfc7523.token_request` (kind
   * INTERNAL: the HTTP server span, when the host has one, is its parent) and counts it in
   * `rfc7523.token_requests`. Resolves or rejects as `work` does.
   */
  tokenRequest<T>(request: PlainRequest, work: () => Promise<T>): Promise<T> {
    if (!telemetryActive()) return work();
    const grantType = grantTypeOf(request, this.#maxBodyLength);
    const attributes: Attributes = { [ATTR.grantType]: grantType };
    return tracer().startActiveSpan(NAMES.tokenRequestSpan, { kind: SpanKind.INTERNAL, attributes }, (span) => {
      const scope: RequestScope = { span, mark: performance.now(), useCases: [] };
      return scopes.run(scope, async () => {
        try {
          const result = await work();
          quietly(() => finish(scope, grantType, undefined));
          return result;
        } catch (err) {
          quietly(() => finish(scope, grantType, err));
          throw err;
        }
      });
    });
  }
}

/** Ends a token request: span attributes and status, and the `rfc7523.token_requests` point. */
function finish(scope: RequestScope, grantType: string, err: unknown): void {
  const { span } = scope;
  const metric: Attributes = { [ATTR.grantType]: grantType };
  if (err === undefined) {
    metric[ATTR.outcome] = 'issued';
  } else {
    const oauth = asOAuthError(err);
    const outcome = oauth === undefined ? 'error' : oauth.status === 503 ? 'unavailable' : oauth.status >= 500 ? 'error' : 'refused';
    metric[ATTR.outcome] = outcome;
    metric[ATTR.reason] = oauth === undefined ? 'server_error' : boundedReason(oauth.reason);
    metric[ATTR.errorType] = oauth === undefined ? 'server_error' : boundedErrorType(oauth.error);
    if (outcome !== 'refused') {
      // A refusal is the client's error (as a 4xx on an HTTP server span); 503 and 500 are ours.
      span.setStatus({ code: SpanStatusCode.ERROR, message: String(metric[ATTR.reason]) });
      if (oauth === undefined && err instanceof Error) span.recordException(err);
    }
  }
  span.setAttributes(metric);
  if (scope.useCases.length > 0) span.setAttribute(ATTR.useCase, [...new Set(scope.useCases)]);
  if (scope.clientId !== undefined) span.setAttribute(ATTR.clientId, clip(scope.clientId));
  if (scope.issuer !== undefined) span.setAttribute(ATTR.issuer, clip(scope.issuer));
  span.end();
  instruments().tokenRequests.add(1, metric);
}

/** Records one assertion's verdict: its verification time since the previous mark, and a span event. */
function verdict(scope: RequestScope | undefined, use: AssertionUse | typeof OTHER, rejectedFor: string | undefined): void {
  if (scope === undefined) return; // Outside a token request (authenticateClient, verifyGrant): not timed.
  const now = performance.now();
  const attributes: Attributes = { [ATTR.useCase]: use, [ATTR.outcome]: rejectedFor === undefined ? 'accepted' : 'rejected' };
  if (rejectedFor !== undefined) attributes[ATTR.reason] = boundedReason(rejectedFor);
  instruments().verificationDuration.record(secondsSince(scope.mark), attributes);
  scope.mark = now;
  if (use !== OTHER) scope.useCases.push(use);
  scope.span.addEvent('rfc7523.assertion', attributes);
}

/** Reads one engine event into the current request's scope and the metrics. */
function observe(event: Rfc7523Event): void {
  const scope = scopes.getStore();
  switch (event.type) {
    case 'assertion.accepted':
      verdict(scope, event.use, undefined);
      if (scope !== undefined) {
        // Client authentication (RFC 7523 §3 item 2.B): the client's assertion has iss = sub = client_id.
        if (event.use === 'client_authentication') scope.clientId = event.issuer;
        else scope.issuer = event.issuer;
      }
      break;
    case 'assertion.rejected':
      verdict(scope, event.use, event.reason);
      if (scope !== undefined && event.issuer !== undefined && event.use === 'authorization_grant') scope.issuer = event.issuer;
      break;
    case 'replay_store.unavailable':
      // The event names no use case; the request fails closed with 503 right after it.
      verdict(scope, OTHER, 'replay_store_unavailable');
      break;
    case 'replay.detected':
      scope?.span.addEvent('rfc7523.replay_detected', { [ATTR.useCase]: event.use });
      break;
    case 'token.issued':
      if (scope !== undefined && event.clientId !== undefined) scope.clientId = event.clientId;
      break;
    default:
      break;
  }
}
