import request from 'supertest';

/** Posts a form to the demo's token endpoint; `body` may be a raw string to send as is. */
export function postToken(url: string, body: Record<string, string> | string, headers: Record<string, string> = {}) {
  const text = typeof body === 'string' ? body : new URLSearchParams(body).toString();
  return request(url).post('/token').set('content-type', 'application/x-www-form-urlencoded').set(headers).send(text);
}

/** Asserts the RFC 6749 §5.2 error shape and headers (rule P2). */
export function expectOAuthError(res: { status: number; body: unknown; headers: Record<string, string> }, status: number, error: string): void {
  expect({ status: res.status, error: (res.body as { error?: string }).error }).toEqual({ status, error });
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.headers['cache-control']).toBe('no-store');
  const description = (res.body as { error_description?: unknown }).error_description;
  if (description !== undefined) expect(description).toMatch(/^[\x20\x21\x23-\x5b\x5d-\x7e]*$/);
}
