import { randomUUID } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { ReplayStore } from '@rfc7523/core';

/** Liveness path (docs/demo-interface.md): 200 while the process serves. */
export const HEALTHZ_PATH = '/healthz';
/** Readiness path (docs/demo-interface.md): 200 only while the replay store answers, else 503. */
export const READYZ_PATH = '/readyz';

/** The answer of a readiness check: ready, or why not (a short fixed phrase, never a secret). */
export type Readiness = { ready: true } | { ready: false; reason: string };

/** Says whether the demo can serve token requests now. Must not reject. */
export type ReadinessCheck = () => Promise<Readiness>;

/**
 * Readiness of a replay store (RFC 7523 §3.7): writes a probe key that no assertion can produce
 * (`readyz:<uuid>`, expiring within a second or two) with the store's own `remember`, so the probe takes
 * the very path a token request takes, bounded as it is by the store's command timeout (Redis: 1000 ms
 * by default). Concurrent probes share one call. Works for any store: Redis standalone, Cluster or
 * Sentinel, or your own.
 */
export function replayStoreReadiness(store: ReplayStore, now: () => number = Date.now): ReadinessCheck {
  let pending: Promise<Readiness> | undefined;
  return () =>
    (pending ??= (async (): Promise<Readiness> => {
      try {
        await store.remember(`readyz:${randomUUID()}`, Math.floor(now() / 1000) + 1);
        return { ready: true };
      } catch {
        return { ready: false, reason: 'replay store unavailable' };
      }
    })().finally(() => (pending = undefined)));
}

function answer(req: IncomingMessage, res: ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(req.method === 'HEAD' ? undefined : text);
}

/** Options of {@link withHealth}. */
export interface HealthOptions {
  /** Readiness of what token requests depend on. Default: always ready (in-memory replay store). */
  readiness?: ReadinessCheck;
  /** True once the process is shutting down: `/readyz` then answers 503 so load balancers stop sending. Default never. */
  draining?: () => boolean;
}

/**
 * Wraps a demo's request listener with `GET /healthz` and `GET /readyz` (docs/demo-interface.md), answered before
 * the framework sees the request, so every demo — whatever its framework — answers them identically:
 * `200 {"status":"ok"}`, or `503 {"status":"unavailable","reason":…}` from `/readyz` while the replay
 * store does not answer or the process is draining. HEAD is answered too; other methods get 405.
 * Query strings are ignored; every other path goes to `handler`.
 */
export function withHealth(handler: RequestListener, options: HealthOptions = {}): RequestListener {
  const { readiness, draining = () => false } = options;
  return (req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    if (path !== HEALTHZ_PATH && path !== READYZ_PATH) return handler(req, res);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return answer(req, res, 405, { error: 'method_not_allowed' });
    }
    if (path === HEALTHZ_PATH) return answer(req, res, 200, { status: 'ok' });
    if (draining()) return answer(req, res, 503, { status: 'unavailable', reason: 'shutting down' });
    if (readiness === undefined) return answer(req, res, 200, { status: 'ok' });
    void readiness().then((r) =>
      r.ready ? answer(req, res, 200, { status: 'ok' }) : answer(req, res, 503, { status: 'unavailable', reason: r.reason }),
    );
  };
}
