/**
 * Log lines anyone on the network can cause (refused webhooks) at most once per interval per key,
 * so a flood costs a few lines, not one per request. The first occurrence is logged at once; the
 * ones folded in during the interval are counted on the next line written for that key
 * (`folded`: how many were not logged since the previous line).
 */

import type { Logger } from '../log.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface RateLimitedLog {
  /** Logs `obj`/`msg` on `log` unless this key was logged within the interval; then only counts it. */
  write(log: Logger, level: LogLevel, key: string, obj: Record<string, unknown>, msg: string): void;
}

export interface RateLimitedLogOptions {
  intervalMs?: number;
  /** Keys remembered at most (keys come from closed sets; this bounds a mistake). */
  maxKeys?: number;
  now?: () => number;
}

export function createRateLimitedLog(opts: RateLimitedLogOptions = {}): RateLimitedLog {
  const intervalMs = opts.intervalMs ?? 60_000;
  const maxKeys = opts.maxKeys ?? 1000;
  const now = opts.now ?? Date.now;
  const seen = new Map<string, { at: number; folded: number }>();

  return {
    write(log, level, key, obj, msg) {
      const t = now();
      const entry = seen.get(key);
      if (entry && t - entry.at < intervalMs) {
        entry.folded += 1;
        return;
      }
      const folded = entry?.folded ?? 0;
      if (!entry && seen.size >= maxKeys) {
        // The oldest key goes; its folded count is lost, which a mistake in key choice deserves.
        const oldest = seen.keys().next().value;
        if (oldest !== undefined) seen.delete(oldest);
      }
      seen.delete(key);
      seen.set(key, { at: t, folded: 0 });
      log[level](folded > 0 ? { ...obj, folded } : obj, msg);
    },
  };
}
