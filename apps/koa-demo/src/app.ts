import { authorizationServerRouter, oauthErrors, requireAccessToken, type AuthorizationServer } from '@rfc7523/koa';
import type { DemoApp } from '@rfc7523/demo-kit';
import Koa from 'koa';

/** The Koa demo (INTERFACE.md): token endpoint, metadata, JWKS and one protected route. */
export function koaDemo(server: AuthorizationServer): DemoApp {
  const app = new Koa();
  // Errors are answered as JSON by oauthErrors; only unexpected ones reach the 'error' event.
  app.use(oauthErrors());
  const router = authorizationServerRouter(server);
  router.get('/api/whoami', requireAccessToken(server), async function whoami(ctx) {
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
