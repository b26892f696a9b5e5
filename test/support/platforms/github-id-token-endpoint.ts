import { randomBytes, randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { GitHubActionsIssuer, GitHubJob } from './github-actions.js';
import { sendJson, startLoopbackServer, type LoopbackServer } from './loopback-server.js';

/** One request the fake ID-token endpoint received. */
export interface IdTokenRequest {
  method: string;
  /** The `audience` query parameter, when sent. */
  audience: string | undefined;
  /** The `api-version` query parameter GitHub's URL carries. */
  apiVersion: string | undefined;
  authorization: string | undefined;
  /** The answer's status. */
  status: number;
}

/** How the endpoint answers instead of minting, for failure tests. */
export type IdTokenReply =
  | { kind: 'status'; status: number; body?: unknown }
  | { kind: 'body'; text: string }
  | { kind: 'huge'; bytes: number }
  | { kind: 'hang' };

/**
 * The job's `ACTIONS_ID_TOKEN_REQUEST_URL` endpoint, on loopback: GET with
 * `Authorization: Bearer <request token>` (scheme case-insensitive) and `&audience=…` appended to the
 * URL's own `?api-version=2.0`, answered `{ "value": "<jwt>" }` minted by `issuer` for `job`. A wrong or
 * missing bearer token answers 401; no `audience` gets GitHub's default audience. `env` is what GitHub
 * puts in the job's environment.
 */
export class GitHubIdTokenEndpoint {
  readonly requests: IdTokenRequest[] = [];
  /** When set, every request is answered this way instead. */
  reply: IdTokenReply | undefined;
  /** The job the minted tokens describe. */
  job: GitHubJob = {};

  private constructor(
    private readonly server: LoopbackServer,
    readonly requestToken: string,
    readonly path: string,
  ) {}

  static async start(issuer: GitHubActionsIssuer, requestToken = randomBytes(24).toString('base64url')): Promise<GitHubIdTokenEndpoint> {
    const path = `/_apis/distributedtask/hubs/build/plans/${randomUUID()}/jobs/${randomUUID()}/idtoken`;
    let endpoint: GitHubIdTokenEndpoint | undefined;
    const server = await startLoopbackServer(async (req, res, url) => {
      const seen: IdTokenRequest = {
        method: req.method ?? '',
        audience: url.searchParams.get('audience') ?? undefined,
        apiVersion: url.searchParams.get('api-version') ?? undefined,
        authorization: req.headers.authorization,
        status: 0,
      };
      endpoint!.requests.push(seen);
      const answer = (status: number, body: unknown): void => {
        seen.status = status;
        sendJson(res, status, body);
      };
      if (url.pathname !== endpoint!.path) return answer(404, { message: 'not found' });
      if (req.method !== 'GET') return answer(405, { message: 'method not allowed' });
      const match = /^bearer (.+)$/i.exec(req.headers.authorization ?? '');
      if (match?.[1] !== endpoint!.requestToken) return answer(401, { message: 'Bad credentials' });
      const reply = endpoint!.reply;
      if (reply !== undefined) return respondScripted(res, reply, seen);
      const value = await issuer.mint({ ...endpoint!.job, ...(seen.audience === undefined ? {} : { audience: seen.audience }) });
      answer(200, { count: value.length, value });
    });
    endpoint = new GitHubIdTokenEndpoint(server, requestToken, path);
    return endpoint;
  }

  /** The request URL, with GitHub's `api-version` query. */
  get requestUrl(): string {
    return `${this.server.origin}${this.path}?api-version=2.0`;
  }

  /** The two variables a job with `permissions: id-token: write` gets. */
  get env(): Record<string, string> {
    return { ACTIONS_ID_TOKEN_REQUEST_URL: this.requestUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: this.requestToken };
  }

  close(): Promise<void> {
    return this.server.close();
  }
}

function respondScripted(res: ServerResponse, reply: IdTokenReply, seen: IdTokenRequest): void {
  switch (reply.kind) {
    case 'status':
      seen.status = reply.status;
      return sendJson(res, reply.status, reply.body ?? { message: 'scripted failure' });
    case 'body':
      seen.status = 200;
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(reply.text);
    case 'huge': {
      // No content-length: the client must stop reading by itself.
      seen.status = 200;
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(16_384, 0x61);
      let sent = 0;
      const pump = (): void => {
        while (sent < reply.bytes) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('error', () => undefined);
      return pump();
    }
    case 'hang':
      seen.status = -1;
      return; // never answers; close() ends the connection
  }
}
