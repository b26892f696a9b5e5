import { createNoopMeter, metrics, ProxyTracerProvider, trace, type Counter, type Histogram, type Meter, type MeterProvider, type Tracer, type TracerProvider } from '@opentelemetry/api';
import { NAMES } from './attributes.js';
import { INSTRUMENTATION_SCOPE } from './version.js';

/** Bucket boundaries, seconds: 100 µs to 10 s, for verification and replay-store latency. */
export const DURATION_BUCKETS = Object.freeze([0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]);

/** The engine's metric instruments (names in `NAMES`). */
export interface Instruments {
  readonly tokenRequests: Counter;
  readonly verificationDuration: Histogram;
  readonly keyFetches: Counter;
  readonly replayStoreDuration: Histogram;
  readonly replayStoreFailures: Counter;
}

function createInstruments(meter: Meter): Instruments {
  const advice = { explicitBucketBoundaries: [...DURATION_BUCKETS] };
  return {
    tokenRequests: meter.createCounter(NAMES.tokenRequests, { unit: '{request}', description: 'Token requests (RFC 6749 §3.2) by grant type, outcome and reason.' }),
    verificationDuration: meter.createHistogram(NAMES.verificationDuration, {
      unit: 's',
      description: 'Time to verify one assertion (RFC 7523 §3): decoding, keys, signature and replay check.',
      advice,
    }),
    keyFetches: meter.createCounter(NAMES.keyFetches, { unit: '{fetch}', description: 'jwks_uri fetches by result.' }),
    replayStoreDuration: meter.createHistogram(NAMES.replayStoreDuration, { unit: 's', description: 'Time of one replay-store call (RFC 7523 §3 item 7).', advice }),
    replayStoreFailures: meter.createCounter(NAMES.replayStoreFailures, { unit: '{failure}', description: 'Replay-store calls that failed (answered 503).' }),
  };
}

let tracerCache: { provider: TracerProvider; tracer: Tracer } | undefined;
let meterCache: { provider: MeterProvider; instruments: Instruments; noop: boolean } | undefined;

/** The class of the API's no-op meter: a provider handing out one has no SDK behind it. */
const NoopMeter = createNoopMeter().constructor;

/**
 * The engine's tracer, from the global provider by package name and version. Looked up again when the
 * global provider changes, so an SDK registered after the engine was created is used.
 */
export function tracer(): Tracer {
  const provider = trace.getTracerProvider();
  if (tracerCache?.provider !== provider) {
    tracerCache = { provider, tracer: provider.getTracer(INSTRUMENTATION_SCOPE.name, INSTRUMENTATION_SCOPE.version) };
  }
  return tracerCache.tracer;
}

/**
 * The engine's instruments, from the global meter provider (no-op until an SDK registers one).
 * Recreated when the global provider changes: the metrics API has no proxy provider.
 */
export function instruments(): Instruments {
  const provider = metrics.getMeterProvider();
  if (meterCache?.provider !== provider) {
    const meter = provider.getMeter(INSTRUMENTATION_SCOPE.name, INSTRUMENTATION_SCOPE.version);
    meterCache = { provider, instruments: createInstruments(meter), noop: meter.constructor === NoopMeter };
  }
  return meterCache.instruments;
}

/**
 * Whether an SDK is registered for traces or metrics. When not, the hooks run the work bare: the
 * engine pays no span, context or clock cost until a host installs an SDK.
 */
export function telemetryActive(): boolean {
  instruments();
  if (meterCache?.noop === false) return true;
  const provider = trace.getTracerProvider();
  return !(provider instanceof ProxyTracerProvider) || provider.getDelegateTracer(INSTRUMENTATION_SCOPE.name, INSTRUMENTATION_SCOPE.version) !== undefined;
}

/** Seconds elapsed since `start` (a `performance.now()` reading). */
export function secondsSince(start: number): number {
  return (performance.now() - start) / 1000;
}

/** Runs a telemetry step; a failing SDK or exporter never breaks a request. */
export function quietly(step: () => void): void {
  try {
    step();
  } catch {
    // Telemetry is best effort.
  }
}
