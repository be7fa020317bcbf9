/**
 * pino with redaction. Secrets can hide in headers, in config objects and in Slack call args, so
 * the redact paths cover each place a token, secret, authorization or signature might be logged.
 */

import { pino, type Logger, type DestinationStream } from 'pino';
import { redactText } from './redact.js';

export type { Logger };
export { redactText, redactUrl } from './redact.js';

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
  // Axios errors (the Slack SDK's) carry request headers under their wire casing.
  'Authorization',
  'code',
  'state',
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

export function createLogger(opts: { level: string; destination?: DestinationStream; name?: string }): Logger {
  return pino(
    {
      level: opts.level,
      name: opts.name ?? 'threadline',
      redact: { paths: redactPaths(), censor: '[Redacted]' },
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // Messages are free text (Bolt's and the SDKs' are pre-joined), which key paths cannot see.
      hooks: {
        logMethod(args, method) {
          for (let i = 0; i < args.length; i++) if (typeof args[i] === 'string') args[i] = redactText(args[i] as string);
          return method.apply(this, args);
        },
      },
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
