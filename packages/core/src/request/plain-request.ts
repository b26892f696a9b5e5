/**
 * The framework-free request the engine reads. Adapters build it; the engine never sees an Express,
 * Koa or Nest type.
 */
export interface PlainRequest {
  /** HTTP method, upper case. */
  method: string;
  /** Request headers with lower-case names, as Node's `IncomingMessage.headers`. */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /**
   * The body: the raw `application/x-www-form-urlencoded` text (or bytes), or a body a framework
   * already parsed into an object (repeated parameters as arrays), or undefined when there was none.
   */
  body?: string | Uint8Array | Readonly<Record<string, unknown>> | undefined;
}
