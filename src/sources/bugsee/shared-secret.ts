/**
 * With many workspaces, `BUGSEE_WEBHOOK_SECRET` belongs to none of them: a delivery carrying it is
 * accepted but reaches no channel. The operator hears about it at most once a minute.
 */

import type { Logger } from '../../log.js';

export const SHARED_SECRET_WARNING_MS = 60_000;

export function sharedSecretWarning(logger: Pick<Logger, 'warn'> | undefined, now: () => number = Date.now): () => void {
  let last = -Infinity;
  return () => {
    if (!logger || now() - last < SHARED_SECRET_WARNING_MS) return;
    last = now();
    logger.warn(
      { variable: 'BUGSEE_WEBHOOK_SECRET' },
      'a Bugsee webhook carried BUGSEE_WEBHOOK_SECRET, which belongs to no workspace when Threadline serves several: it reaches no channel. Each workspace gets its own webhook URL with /threadline connect bugsee',
    );
  };
}
