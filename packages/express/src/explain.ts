import { writeExplainResponse, type ExplainHandler } from '@rfc7523/core';
import type { RequestHandler } from 'express';

/**
 * Mounts the engine's explain handler (docs/explain.md): hands it the request, what a body parser left on
 * `req.body` and `req.ip` (for the rate limit; set Express's `trust proxy` behind a proxy), and writes its
 * answer — the page, a dry-run report or an RFC 6749 error — as it is. Never calls `next`.
 */
export function explainEndpoint(explain: ExplainHandler): RequestHandler {
  return (req, res) => {
    void explain.handleNode(req, req.body, req.ip).then((response) => writeExplainResponse(res, response));
  };
}
