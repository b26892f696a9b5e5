import type { EventSink, Rfc7523Event } from '@rfc7523/core';
import type { Logger } from 'pino';

/**
 * Event fields that may be logged. Anything else an event carries — today or after a future change — is
 * left out, so that a token, an assertion or a signature can never reach the logs by accident.
 */
const LOGGED_FIELDS = [
  'use',
  'error',
  'reason',
  'claim',
  'detail',
  'issuer',
  'clientId',
  'subject',
  'jti',
  'grantType',
  'scope',
  'uri',
  'keys',
  'audience',
  'verdict',
  'step',
] as const;

/** Three base64url runs joined by dots: the shape of a JWS/JWT, which is never logged. */
const COMPACT_JWT = /[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g;

/** Level and message of each event type; refusals are routine (info), outages are errors. */
const SHAPE: Record<Rfc7523Event['type'], { level: 'debug' | 'info' | 'warn' | 'error'; msg: string }> = {
  'assertion.accepted': { level: 'debug', msg: 'assertion accepted' },
  'assertion.rejected': { level: 'info', msg: 'assertion refused' },
  'replay.detected': { level: 'warn', msg: 'assertion replay refused' },
  'client_assertion.audience_deprecated': { level: 'warn', msg: 'client assertion aud is the token endpoint URL (deprecated, rule A1)' },
  'keys.fetched': { level: 'info', msg: 'keys fetched' },
  'keys.fetch_failed': { level: 'warn', msg: 'key fetch failed' },
  'replay_store.unavailable': { level: 'error', msg: 'replay store unavailable' },
  'token.issued': { level: 'info', msg: 'token issued' },
  'request.failed': { level: 'info', msg: 'token request refused' },
  'explain.dry_run': { level: 'info', msg: 'explain dry run' },
};

/**
 * The engine's events (`onEvent`) as log lines: `{"event":"assertion.rejected","reason":…,"claim":…,
 * "issuer":…}` with only the fields of {@link LOGGED_FIELDS}; any text shaped like a compact JWT is replaced by
 * `[redacted]`. Refusals (RFC 6749 §5.2 errors) log at info, replays and failed key fetches at warn,
 * replay-store outages at error, accepted assertions at debug.
 */
export function eventLogger(logger: Logger): EventSink {
  return (event) => {
    const shape = SHAPE[event.type] ?? { level: 'info', msg: event.type };
    if (!logger.isLevelEnabled(shape.level)) return;
    const fields: Record<string, unknown> = { event: event.type };
    for (const name of LOGGED_FIELDS) {
      const value = (event as Record<string, unknown>)[name];
      if (value === undefined) continue;
      fields[name] = typeof value === 'string' ? value.replace(COMPACT_JWT, '[redacted]') : value;
    }
    logger[shape.level](fields, shape.msg);
  };
}
