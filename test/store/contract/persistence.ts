/** Store contract: data survives close and reopen. */

import { beforeEach, expect, it } from 'vitest';
import type { Store } from '../../../src/store/store.js';
import type { ContractState } from './harness.js';
import { dead, sub } from './harness.js';

export function persistenceContract(t: ContractState): void {
  let store: Store;
  let h: ContractState['h'];
  let reopened: Store[];
  beforeEach(() => {
    store = t.store;
    h = t.h;
    reopened = t.reopened;
  });

  it('keeps everything after close and reopen', async () => {
    await store.claim('seen', 600);
    await store.setRecord('rec', { x: 1 });
    await store.incr('cnt');
    await store.pushCapped('list', 'a', 5);
    await store.upsertSubscription(sub({ id: 's1' }));
    await store.claimThread('T1', 'C1', 'k', 'o1', 'sentry.issue');
    await store.updateThread('T1', 'C1', 'k', { ts: '1.000001', state: { status: 'resolved' }, stateTimes: { status: 't' } });
    await store.putSentryInstallation({ uuid: 'u1', org: 'acme', createdAt: 't', updatedAt: 't' });
    await store.putSlackInstallation('T1', '{"a":1}');
    await store.addDeadLetter(dead('d1', { teamId: 'T1' }));
    await store.close();

    const again = await h.reopen();
    reopened.push(again);
    expect(await again.claim('seen', 600)).toBe(false);
    expect(await again.getRecord('rec')).toEqual({ x: 1 });
    expect(await again.getCounter('cnt')).toBe(1);
    expect(await again.listCapped('list', 5)).toEqual(['a']);
    expect((await again.findSubscriptions('sentry', ['acme/web'])).map((s) => s.id)).toEqual(['s1']);
    expect(await again.getThread('T1', 'C1', 'k')).toMatchObject({ ts: '1.000001', owner: 'o1', state: { status: 'resolved' } });
    expect((await again.findThreadByTs('T1', 'C1', '1.000001'))?.threadKey).toBe('k');
    expect((await again.claimThread('T1', 'C1', 'k', 'o2')).won).toBe(false);
    expect((await again.findSentryInstallationByOrg('acme'))?.uuid).toBe('u1');
    expect(await again.getSlackInstallation('T1')).toBe('{"a":1}');
    expect((await again.listDeadLetters(5, { teamId: 'T1' })).map((d) => d.id)).toEqual(['d1']);
  });
}
