// One load-generator run with autocannon: POST /token with a different pre-generated body per
// request (autocannon's `setupRequest`), exactly `bodies.length - spare` requests, then the figures.
import autocannon from 'autocannon';

/** Connections kept open by the load generator (both baseline and demos). */
export const CONNECTIONS = 32;
/** Bodies generated beyond the request count: each connection builds one request ahead. */
export const SPARE_BODIES = 2 * CONNECTIONS;

/**
 * Sends `bodies.length - SPARE_BODIES` token requests to `url` over `connections` keep-alive
 * connections, each request with the next unused body. Resolves rps, latency percentiles (ms) and
 * the error counts; `valid` is false when any response was not 2xx or any request failed.
 */
export async function runLoad(url, bodies, { connections = CONNECTIONS, path = '/token' } = {}) {
  const amount = bodies.length - SPARE_BODIES;
  if (amount < connections) throw new Error(`need at least ${connections + SPARE_BODIES} bodies`);
  let next = 0;
  // Our own clock and latency list: autocannon notices the end of an `amount` run only at its next
  // sample tick, and keeps latencies in whole milliseconds.
  const latencies = new Float64Array(amount + connections);
  let responses = 0;
  let ok = 0;
  let lastResponse = 0n;
  const started = process.hrtime.bigint();
  const instance = autocannon({
    url,
    connections,
    pipelining: 1,
    amount,
    timeout: 10,
    // With `amount`, autocannon notices the end at its next sample tick: tick often.
    sampleInt: 100,
    requests: [
      {
        method: 'POST',
        path,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        setupRequest(request) {
          if (next >= bodies.length) throw new Error('ran out of unique request bodies');
          request.body = bodies[next++];
          return request;
        },
      },
    ],
  });
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    lastResponse = process.hrtime.bigint();
    if (statusCode >= 200 && statusCode < 300) latencies[ok++] = responseTime;
    responses++;
  });
  const result = await instance;
  const seconds = Number(lastResponse - started) / 1e9;
  const sorted = latencies.subarray(0, ok).sort();
  const at = (p) => +(sorted[Math.min(ok - 1, Math.floor(p * ok))] ?? NaN).toFixed(2);
  return {
    requests: responses,
    seconds: +seconds.toFixed(2),
    rps: Math.round(ok / seconds),
    p50: at(0.5),
    p90: at(0.9),
    p99: at(0.99),
    max: at(1),
    ok,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    valid: result.non2xx === 0 && result.errors === 0 && result.timeouts === 0 && ok === amount,
  };
}
