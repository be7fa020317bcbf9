import { describe, expect, it } from 'vitest';
import type { DeliverableEventType } from '../../src/events.js';
import { EVENT_TYPES } from '../../src/sources/catalog.js';
import { TEMPLATES } from '../../templates/index.js';

describe('TEMPLATES', () => {
  it('has a template for every deliverable event type and nothing else', () => {
    const deliverable: DeliverableEventType[] = EVENT_TYPES.filter((t): t is DeliverableEventType => !t.startsWith('sentry.installation.'));
    expect(Object.keys(TEMPLATES).sort()).toEqual([...deliverable].sort());
    for (const t of deliverable) {
      expect(typeof TEMPLATES[t].card).toBe('function');
      expect(typeof TEMPLATES[t].reply).toBe('function');
    }
  });
});
