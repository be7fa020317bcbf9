/** Bolt's Logger interface on top of our pino logger, so Bolt's lines are JSON and redacted too. */

import { LogLevel } from '@slack/bolt';
import type { Logger } from './log.js';

export function boltLogger(logger: Logger) {
  const child = logger.child({ component: 'bolt' });
  const join = (m: unknown[]) => m.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(' ');
  return {
    debug: (...m: unknown[]) => child.debug(join(m)),
    info: (...m: unknown[]) => child.info(join(m)),
    warn: (...m: unknown[]) => child.warn(join(m)),
    error: (...m: unknown[]) => child.error(join(m)),
    setLevel: () => undefined,
    getLevel: () => LogLevel.INFO,
    setName: () => undefined,
  };
}
