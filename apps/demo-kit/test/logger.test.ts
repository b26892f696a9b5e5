import { Writable } from 'node:stream';
import { demoLogger, eventLogger, formatLogLine } from '@rfc7523/demo-kit';

/** A stream that keeps what is written, as a TTY or not. */
function sink(isTTY = false): Writable & { text: string; isTTY: boolean } {
  const stream = new Writable({
    write(chunk, _encoding, done) {
      stream.text += String(chunk);
      done();
    },
  }) as Writable & { text: string; isTTY: boolean };
  stream.text = '';
  stream.isTTY = isTTY;
  return stream;
}

const lines = (text: string) =>
  text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('demoLogger', () => {
  it('writes one JSON object per line: info and warn to stdout, error and fatal to stderr', () => {
    const stdout = sink();
    const stderr = sink();
    const log = demoLogger({ name: 'x-demo', stdout, stderr });
    log.info({ url: 'http://127.0.0.1:1' }, 'x-demo listening on http://127.0.0.1:1');
    log.warn('slow');
    log.error('broken');
    log.debug('hidden at the default level');
    const out = lines(stdout.text);
    expect(out).toEqual([
      expect.objectContaining({ level: 'info', name: 'x-demo', url: 'http://127.0.0.1:1', msg: 'x-demo listening on http://127.0.0.1:1' }),
      expect.objectContaining({ level: 'warn', msg: 'slow' }),
    ]);
    expect(new Date(out[0]!.time as string).toISOString()).toBe(out[0]!.time);
    expect(lines(stderr.text)).toEqual([expect.objectContaining({ level: 'error', msg: 'broken' })]);
  });

  it('is human-readable when stdout is a TTY', () => {
    const stdout = sink(true);
    demoLogger({ name: 'x-demo', stdout, stderr: sink() }).info({ reason: 'exp_expired', claim: 'exp' }, 'assertion refused');
    expect(stdout.text).toMatch(/^\d\d:\d\d:\d\d\.\d{3} .*INFO.* assertion refused reason=exp_expired claim=exp\n$/);
    expect(() => JSON.parse(stdout.text)).toThrow();
  });

  it('honours LOG_LEVEL and refuses an unknown one, naming it', () => {
    const stdout = sink();
    demoLogger({ name: 'x', level: 'debug', stdout, stderr: sink() }).debug('shown');
    expect(lines(stdout.text)).toEqual([expect.objectContaining({ level: 'debug', msg: 'shown' })]);
    expect(() => demoLogger({ name: 'x', level: 'verbose' })).toThrow(/LOG_LEVEL/);
  });
});

describe('formatLogLine', () => {
  it('shows time, level, message and the other fields, quoting values with spaces', () => {
    const line = JSON.stringify({ level: 'warn', time: '2026-01-02T03:04:05.678Z', name: 'n', pid: 1, msg: 'm', a: 'b c', n: 2 });
    expect(formatLogLine(line)).toBe('03:04:05.678 WARN  m a="b c" n=2\n');
  });

  it('passes a line that is not JSON unchanged', () => {
    expect(formatLogLine('plain\n')).toBe('plain\n');
  });
});

describe('eventLogger', () => {
  const jwt = 'eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJhIiwic3ViIjoiYiJ9.c2lnbmF0dXJlc2lnbmF0dXJl';

  function logged(level?: string) {
    const stdout = sink();
    const stderr = sink();
    return { log: eventLogger(demoLogger({ name: 'x', level, stdout, stderr })), stdout, stderr };
  }

  it('logs a refusal with its reason, claim, client and issuer', () => {
    const { log, stdout } = logged();
    log({ type: 'assertion.rejected', use: 'client_authentication', error: 'invalid_client', reason: 'exp_expired', claim: 'exp', issuer: 'es-client' });
    expect(lines(stdout.text)).toEqual([
      expect.objectContaining({
        level: 'info',
        msg: 'assertion refused',
        event: 'assertion.rejected',
        use: 'client_authentication',
        error: 'invalid_client',
        reason: 'exp_expired',
        claim: 'exp',
        issuer: 'es-client',
      }),
    ]);
  });

  it('never logs a field outside its list, and redacts text shaped like a JWT', () => {
    const { log, stdout } = logged();
    const event = { type: 'request.failed', error: 'invalid_grant', reason: 'bad', detail: `could not use ${jwt} here`, assertion: jwt, client_assertion: jwt };
    log(event as never);
    expect(stdout.text).not.toContain(jwt);
    expect(stdout.text).not.toContain('c2lnbmF0dXJl');
    const [line] = lines(stdout.text);
    expect(line).toMatchObject({ event: 'request.failed', reason: 'bad', detail: 'could not use [redacted] here' });
    expect(line).not.toHaveProperty('assertion');
    expect(line).not.toHaveProperty('client_assertion');
  });

  it('logs key fetches, replays at warn and replay-store outages at error (stderr)', () => {
    const { log, stdout, stderr } = logged();
    log({ type: 'keys.fetched', uri: 'http://127.0.0.1:9/jwks', keys: 2 });
    log({ type: 'keys.fetch_failed', uri: 'http://127.0.0.1:9/jwks', reason: 'jwks_fetch_failed' });
    log({ type: 'replay.detected', use: 'authorization_grant', issuer: 'i', jti: 'j1' });
    log({ type: 'replay_store.unavailable', reason: 'replay_store_unavailable' });
    expect(lines(stdout.text)).toEqual([
      expect.objectContaining({ level: 'info', event: 'keys.fetched', uri: 'http://127.0.0.1:9/jwks', keys: 2 }),
      expect.objectContaining({ level: 'warn', event: 'keys.fetch_failed', reason: 'jwks_fetch_failed' }),
      expect.objectContaining({ level: 'warn', event: 'replay.detected', issuer: 'i', jti: 'j1' }),
    ]);
    expect(lines(stderr.text)).toEqual([expect.objectContaining({ level: 'error', event: 'replay_store.unavailable' })]);
  });

  it('logs an accepted deprecated audience (audience_policy warn, rule A1) at warn, naming the client and the aud', () => {
    const { log, stdout } = logged();
    log({ type: 'client_assertion.audience_deprecated', clientId: 'billing-export', audience: 'https://auth.example.com/token' });
    expect(lines(stdout.text)).toEqual([
      expect.objectContaining({ level: 'warn', event: 'client_assertion.audience_deprecated', clientId: 'billing-export', audience: 'https://auth.example.com/token' }),
    ]);
  });

  it('logs accepted assertions only at debug', () => {
    const accepted = { type: 'assertion.accepted', use: 'client_authentication', issuer: 'c', subject: 'c' } as const;
    const info = logged();
    info.log(accepted);
    expect(info.stdout.text).toBe('');
    const debug = logged('debug');
    debug.log(accepted);
    expect(lines(debug.stdout.text)).toEqual([expect.objectContaining({ level: 'debug', event: 'assertion.accepted' })]);
  });
});
