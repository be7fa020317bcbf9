import { describe, expect, it } from 'vitest';
import { createBugseeRuntime } from '../../../src/sources/bugsee/runtime.js';
import { createBugseePlugin } from '../../../src/sources/bugsee/plugin.js';
import { fixture, RECEIVED_AT } from './fixtures.js';

describe('createBugseeRuntime', () => {
  it('resolves an event to itself and consumes nothing', async () => {
    const runtime = createBugseeRuntime();
    const plugin = createBugseePlugin({ secret: 'x' });
    const f = fixture('user.deleted');
    const parsed = plugin.parse('bugsee.user.deleted', f.json);
    if (!parsed.ok) throw new Error('parse failed');
    const event = plugin.normalize('bugsee.user.deleted', parsed.payload, { deliveryId: f.json.id, receivedAt: RECEIVED_AT });
    expect(runtime.source).toBe('bugsee');
    expect(runtime.handle).toBeUndefined();
    await expect(runtime.resolve(event)).resolves.toEqual(event);
  });
});
