/**
 * Events our own worker derives from another delivery (links between threads, see
 * `thread-links.ts`). Their ids start with `DERIVED_EVENT_PREFIX`, and their jobs name the one
 * channel they are for (`only`): a webhook never has `only`, so no sender can pass for one.
 */

import type { PipelineEvent } from '../events.js';

export const DERIVED_EVENT_PREFIX = 'link-';

/**
 * Whether a job's event was derived for its `only` channel. Such an event was made because the
 * channel already takes both threads it joins, so routing asks its subscriptions and connections
 * again but not its kinds and filters; and, unlike a dead letter's retry, it keeps its place
 * (sequence number) in its thread.
 */
export function isDerivedFor(only: { teamId: string; channelId: string } | undefined, event: Pick<PipelineEvent, 'id'>): boolean {
  return only !== undefined && event.id.startsWith(DERIVED_EVENT_PREFIX);
}
