#!/usr/bin/env node
// `npm run demo`: starts a demo app (Express by default) on the bundled demo configuration, then plays
// a workload that gets tokens without any client secret, step by step. Exits 0 when every step behaved.
//   npm run demo                       # the Express demo
//   npm run demo --app=fastify         # or koa, nest, express; also `npm run demo -- --app fastify`
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { importJWK, SignJWT } from 'jose';

const root = fileURLToPath(new URL('..', import.meta.url));
const keys = JSON.parse(readFileSync(`${root}apps/demo-kit/demo/demo-private-keys.json`, 'utf8'));
const GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const color = process.stdout.isTTY ? (code) => (text) => `\x1b[${code}m${text}\x1b[0m` : () => (text) => text;
const bold = color(1);
const green = color(32);
const red = color(31);
const dim = color(2);

const APPS = { express: 'Express', koa: 'Koa', nest: 'NestJS', fastify: 'Fastify' };

/** The app to show: `--app <name>`, `--app=<name>`, a bare `<name>`, or npm's `--app=<name>` (npm_config_app). */
function chosenApp(argv, env) {
  let name;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--app') name = argv[++i];
    else if (argv[i].startsWith('--app=')) name = argv[i].slice('--app='.length);
    else if (!argv[i].startsWith('-')) name = argv[i];
  }
  if (name === undefined && env.npm_config_app && env.npm_config_app !== 'true') name = env.npm_config_app;
  name = (name ?? 'express').replace(/-demo$/, '');
  if (!(name in APPS)) {
    console.error(`unknown app "${name}": choose one of ${Object.keys(APPS).join(', ')}`);
    process.exit(2);
  }
  return name;
}
const app = chosenApp(process.argv.slice(2), process.env);

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

function startServer(port) {
  const child = spawn(process.execPath, [`${root}apps/${app}-demo/dist/main.js`], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', ISSUER: `http://localhost:${port}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = [];
  child.stderr.on('data', (chunk) => log.push(String(chunk)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the demo server did not start:\n${log.join('')}`)), 20_000);
    child.stdout.on('data', (chunk) => {
      if (String(chunk).includes('listening')) {
        clearTimeout(timer);
        resolve({ child, log });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the demo server exited with ${code}:\n${log.join('')}`));
    });
  });
}

async function mint(name, claims, header = {}) {
  const jwk = keys[name];
  const key = await importJWK(jwk, jwk.alg);
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ iat: now, exp: now + 60, jti: randomUUID(), ...claims })
    .setProtectedHeader({ alg: jwk.alg, kid: jwk.kid, ...header })
    .sign(key);
}

async function post(base, form) {
  const res = await fetch(`${base}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
  });
  return { status: res.status, body: await res.json() };
}

async function whoami(base, token) {
  const res = await fetch(`${base}/api/whoami`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: await res.json() };
}

const claimsOf = (jwt) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString());
let failures = 0;
let step = 0;
function check(ok, text, detail) {
  console.log(`   ${ok ? green('✓') : red('✗')} ${text}`);
  if (detail !== undefined) console.log(dim(`     ${JSON.stringify(detail)}`));
  if (!ok) failures += 1;
}
const say = (title, text) => console.log(`\n${bold(`${++step}. ${title}`)}\n   ${text}`);

const port = await freePort();
const issuer = `http://localhost:${port}`;
const base = `http://127.0.0.1:${port}`;
console.log(bold('rfc7523 demo: machine-to-machine OAuth without any client secret'));
console.log(`Starting the ${APPS[app]} demo authorization server, apps/${app}-demo (issuer ${issuer}) ...`);
const server = await startServer(port);
try {
  say('A workload proves who it is with its key',
    'log-aggregator signs a short client assertion with its private key: iss = sub = its client_id,\n   aud = the server\'s issuer identifier, a fresh jti, 60 seconds of life.');
  const clientAssertion = await mint('log-aggregator', { iss: 'log-aggregator', sub: 'log-aggregator', aud: issuer }, { typ: 'client-authentication+jwt' });
  console.log(dim(`     ${JSON.stringify(claimsOf(clientAssertion))}`));

  say('It trades the assertion for an access token (client_credentials + private_key_jwt)',
    'POST /token grant_type=client_credentials&client_assertion_type=...jwt-bearer&client_assertion=<JWT>');
  const cc = await post(base, { grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE, client_assertion: clientAssertion });
  check(cc.status === 200 && cc.body.token_type === 'Bearer', `200, a Bearer token for "${cc.body.scope}" valid ${cc.body.expires_in} s`, cc.status === 200 ? undefined : cc.body);

  say('It calls a protected API with the token', 'GET /api/whoami with Authorization: Bearer <access token>');
  const me = await whoami(base, cc.body.access_token);
  check(me.status === 200 && me.body.client_id === 'log-aggregator', 'the API knows the caller', me.body);

  say('A CI pipeline uses a token from its OIDC provider as a grant (jwt-bearer)',
    'The trusted issuer https://ci.demo.example vouches for repo:acme/api:ref:refs/heads/main;\n   the assertion goes to POST /token as grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=<JWT>');
  const grantAssertion = await mint('ci-issuer', { iss: 'https://ci.demo.example', sub: 'repo:acme/api:ref:refs/heads/main', aud: issuer });
  const granted = await post(base, { grant_type: GRANT, assertion: grantAssertion });
  check(granted.status === 200, `200, a token for "${granted.body.scope}", no longer-lived than the assertion (${granted.body.expires_in} s)`, granted.status === 200 ? undefined : granted.body);
  const ci = await whoami(base, granted.body.access_token);
  check(ci.status === 200 && ci.body.sub === 'repo:acme/api:ref:refs/heads/main', 'the API sees the pipeline as the subject', ci.body);

  say('An attacker replays what it captured', 'The same grant assertion, then the same client assertion, sent a second time.');
  const replayGrant = await post(base, { grant_type: GRANT, assertion: grantAssertion });
  check(replayGrant.status === 400 && replayGrant.body.error === 'invalid_grant', 'grant replay refused: 400 invalid_grant', replayGrant.body);
  const replayClient = await post(base, { grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE, client_assertion: clientAssertion });
  check(replayClient.status === 401 && replayClient.body.error === 'invalid_client', 'client assertion replay refused: 401 invalid_client', replayClient.body);

  say('A token endpoint URL as audience is refused (rfc7523bis audience rule)', 'aud must be the issuer identifier alone.');
  const wrongAud = await mint('log-aggregator', { iss: 'log-aggregator', sub: 'log-aggregator', aud: `${issuer}/token` });
  const refused = await post(base, { grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE, client_assertion: wrongAud });
  check(refused.status === 401 && refused.body.error === 'invalid_client', 'refused: 401 invalid_client', refused.body);
} catch (err) {
  failures += 1;
  console.error(red(`\nThe demo stopped: ${err.message}`));
} finally {
  server.child.kill('SIGTERM');
}
console.log(failures === 0 ? green(bold('\nEvery step behaved.')) : red(bold(`\n${failures} step(s) did not behave.`)));
process.exit(failures === 0 ? 0 : 1);
