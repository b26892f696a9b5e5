import { authorizationServerRouter, oauthErrors, requireAccessToken, type AuthorizationServer } from '@rfc7523/koa';
import type { DemoApp } from '@rfc7523/demo-kit';
import Koa from 'koa';

/** Error codes of a request the client or the server's time limits ended (REQUEST_TIMEOUT, HEADERS_TIMEOUT). */
const CLIENT_GONE = new Set(['ERR_HTTP_REQUEST_TIMEOUT', 'ECONNRESET', 'ECONNABORTED', 'EPIPE']);

/** The Koa demo (docs/demo-interface.md): token endpoint, metadata, JWKS and one protected route. */
export function koaDemo(server: AuthorizationServer): DemoApp {
  const app = new Koa();
  // Errors are answered as JSON by oauthErrors; only unexpected ones reach the 'error' event.
  app.use(oauthErrors());
  // A client that gives up or is cut off by the server's time limits (408) is not the app's error.
  app.on('error', (err: Error & { code?: string; status?: number; expose?: boolean }) => {
    if (err.status === 404 || err.expose || CLIENT_GONE.has(err.code ?? '')) return;
    process.stderr.write(`koa-demo: ${err.stack ?? String(err)}\n`);
  });
  // The explain page and its dry-run endpoint (docs/explain.md): off by default in the package, on in the demo.
  const router = authorizationServerRouter(server, { explain: true });
  // Rule D2: DPoP proofs name the URL as clients see it, ISSUER's origin plus the request path.
  router.get('/api/whoami', requireAccessToken(server, { publicUrl: new URL(server.issuer).origin }), async function whoami(ctx) {
    const { sub, client_id, scope, iss, exp } = ctx.state.accessToken!;
    ctx.body = { sub, client_id, scope: scope ?? '', iss, exp };
  });
  app.use(router.routes());
  app.use(async function notFound(ctx) {
    ctx.status = 404;
    ctx.body = { error: 'not_found' };
  });
  return { handler: app.callback() };
}
