/**
 * pino with redaction. Secrets can hide in headers, in config objects and in Slack call args, so
 * the redact paths cover each place a token, secret, authorization or signature might be logged.
 */

import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

const SECRET_KEYS = [
  'token',
  'botToken',
  'bot_token',
  'userToken',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'secret',
  'clientSecret',
  'client_secret',
  'signingSecret',
  'stateSecret',
  'password',
  'authorization',
  'code',
  'webhookSecret',
  'apiToken',
  'authToken',
  'encryptionKey',
  'clientSecrets',
];

const SECRET_HEADERS = [
  'authorization',
  'cookie',
  'sentry-hook-signature',
  'x-slack-signature',
  'x-bugsee-token',
  'x-hub-signature',
  'x-hub-signature-256',
];

function redactPaths(): string[] {
  const paths: string[] = [];
  for (const k of SECRET_KEYS) {
    paths.push(k, `*.${k}`, `*.*.${k}`, `*.*.*.${k}`);
  }
  for (const h of SECRET_HEADERS) {
    paths.push(`headers["${h}"]`, `req.headers["${h}"]`, `*.headers["${h}"]`);
  }
  paths.push('query.token', 'req.query.token', '*.query.token');
  return paths;
}

/** Strips a Bugsee `?token=` from URLs so it never reaches a log line. */
export function redactUrl(u: string): string {
  return u.replace(/([?&]token=)[^&]*/gi, '$1[Redacted]');
}

export function createLogger(opts: { level: string; destination?: DestinationStream; name?: string }): Logger {
  return pino(
    {
      level: opts.level,
      name: opts.name ?? 'threadline',
      redact: { paths: redactPaths(), censor: '[Redacted]' },
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    opts.destination,
  );
}

const LEVEL_METHODS = new Set(['trace', 'debug', 'info', 'warn', 'error', 'fatal']);
const noop = () => undefined;

/**
 * `logger.child(bindings)`, made only when a line is actually written at an enabled level: a
 * child per request and per job is otherwise real CPU on the hot path (redaction is set up anew).
 */
export function lazyChild(logger: Logger, bindings: Record<string, unknown>): Logger {
  let child: Logger | undefined;
  return new Proxy(logger, {
    get(_target, prop) {
      if (typeof prop === 'string' && LEVEL_METHODS.has(prop) && !logger.isLevelEnabled(prop)) return noop;
      child ??= logger.child(bindings);
      const value = Reflect.get(child, prop, child) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(child) : value;
    },
  });
}
