import {
  authorizationServerRouter,
  oauthErrorHandler,
  requireAccessToken,
  type AuthorizationServer,
} from '@rfc7523/express';
import type { DemoApp } from '@rfc7523/demo-kit';
import express, { type ErrorRequestHandler } from 'express';

/**
 * The app's own last resort: a bug (not an OAuth error, which oauthErrorHandler answered) is logged here
 * and answered 500 with a generic JSON body, never with Express's HTML stack trace page.
 */
const internalError: ErrorRequestHandler = (err, _req, res, next) => {
  if (res.headersSent) return next(err);
  console.error('express-demo: unhandled error', err);
  res.status(500).json({ error: 'server_error' });
};

/** The Express demo (docs/demo-interface.md): token endpoint, metadata, JWKS and one protected route. */
export function expressDemo(server: AuthorizationServer): DemoApp {
  const app = express();
  app.disable('x-powered-by');
  // The explain page and its dry-run endpoint (docs/explain.md): off by default in the package, on in the demo.
  app.use(authorizationServerRouter(server, { explain: true }));
  // Rule D2: DPoP proofs name the URL as clients see it, ISSUER's origin plus the request path.
  app.get('/api/whoami', requireAccessToken(server, { publicUrl: new URL(server.issuer).origin }), (req, res) => {
    const { sub, client_id, scope, iss, exp } = req.accessToken!;
    res.json({ sub, client_id, scope: scope ?? '', iss, exp });
  });
  app.use((_req, res) => {
    res.status(404).json({ error: 'not_found' });
  });
  app.use(oauthErrorHandler());
  app.use(internalError);
  return { handler: app };
}
