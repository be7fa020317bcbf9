/** A dead letter's Retry button: put its delivery job back on the queue, then forget it. */

import type { Queue, DeliveryJob } from '../queue/queue.js';
import type { DeadLetterRepo } from '../store/store.js';

export class RequeueError extends Error {
  constructor(readonly code: 'not_found' | 'forbidden' | 'not_requeueable') {
    super(code);
    this.name = 'RequeueError';
  }
}

export function createRequeue(deps: { store: Pick<DeadLetterRepo, 'getDeadLetter' | 'removeDeadLetter'>; queue: Queue }) {
  return async function requeueDeadLetter(id: string, teamId: string): Promise<void> {
    const dl = await deps.store.getDeadLetter(id);
    if (!dl) throw new RequeueError('not_found');
    if (dl.teamId && dl.teamId !== teamId) throw new RequeueError('forbidden');
    if (!dl.job) throw new RequeueError('not_requeueable');
    const job = dl.job as DeliveryJob;
    await deps.queue.enqueue({ ...job, acceptedAt: Date.now() }, `retry-${id}-${Date.now()}`);
    await deps.store.removeDeadLetter(id);
  };
}
