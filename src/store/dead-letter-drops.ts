/**
 * Counts dead letters dropped by the caps, and logs them as a summary: a flood drops one per
 * incoming webhook, and one log line each would be a second flood.
 */

import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import type { DeadLetterDropListener, DeadLetterPool } from './store.js';

export interface DropReporter {
  onDrop: DeadLetterDropListener;
  /** Logs what is still unreported (at shutdown). */
  flush(): void;
}

export function createDeadLetterDropReporter(deps: {
  metrics: Pick<Metrics, 'deadLettersDropped'>;
  logger: Pick<Logger, 'warn'>;
  limits: { maxCount: number; maxBytes: number };
  /** At most one summary line per this long. */
  intervalMs?: number;
}): DropReporter {
  const intervalMs = deps.intervalMs ?? 60_000;
  const pending: Record<DeadLetterPool, number> = { rejected: 0, delivery: 0 };
  let timer: NodeJS.Timeout | undefined;

  function flush(): void {
    if (timer) clearTimeout(timer);
    timer = undefined;
    for (const pool of ['rejected', 'delivery'] as const) {
      if (pending[pool] === 0) continue;
      deps.logger.warn(
        { pool, dropped: pending[pool], maxCount: deps.limits.maxCount, maxBytes: deps.limits.maxBytes },
        'dead letters dropped to stay within their cap (oldest first)',
      );
      pending[pool] = 0;
    }
  }

  return {
    onDrop(pool, dropped) {
      deps.metrics.deadLettersDropped.inc({ pool }, dropped);
      const first = pending.rejected === 0 && pending.delivery === 0 && !timer;
      pending[pool] += dropped;
      if (first) {
        // The first drop is told at once; the rest of a flood in one line per interval.
        flush();
        timer = setTimeout(flush, intervalMs);
        timer.unref();
      }
    },
    flush,
  };
}
