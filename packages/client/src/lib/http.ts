import { HttpRequestError } from '../errors.js';

/** The `fetch` the client uses; injectable for tests. Same signature as the global one. */
export type FetchFunction = (input: string, init: RequestInit) => Promise<Response>;

/** An HTTP answer read in full: status, headers and the body parsed as JSON when it is JSON. Internal. */
export interface JsonAnswer {
  readonly status: number;
  readonly headers: Headers;
  /** The parsed body, or undefined when it is not JSON. */
  readonly json: unknown;
}

/**
 * Sends one request and reads the whole answer, abandoning it after `timeout` milliseconds. Throws an
 * HttpRequestError when there is no answer at all (network failure, timeout).
 */
export async function fetchJson(fetch: FetchFunction, url: string, init: RequestInit, timeout: number): Promise<JsonAnswer> {
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(timeout) });
    text = await response.text();
  } catch (err) {
    const why = (err as { name?: unknown } | null)?.name === 'TimeoutError' ? `no answer within ${timeout} ms` : 'the request failed';
    throw new HttpRequestError(`${init.method ?? 'GET'} ${url}: ${why}`, url, { cause: err });
  }
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, json };
}

/** Whether a value is a plain JSON object. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
