/**
 * Worker-side Bugsee runtime. Every routed Bugsee payload names its app key (user events route to
 * `*`), so there is nothing to look up and no event is consumed here.
 */

import type { AnyEvent } from '../../events.js';
import type { SourceRuntime } from '../../ingest/types.js';

export function createBugseeRuntime(): SourceRuntime {
  return {
    source: 'bugsee',
    async resolve(event: AnyEvent): Promise<AnyEvent> {
      return event;
    },
  };
}
