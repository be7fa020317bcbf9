import { afterEach, describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/metrics.js';
import { createDeadLetterDropReporter } from '../../src/store/dead-letter-drops.js';

describe('dead-letter drop reporter', () => {
  const reporters: { flush(): void }[] = [];
  afterEach(() => reporters.splice(0).forEach((r) => r.flush()));

  it('counts every drop by pool, and logs a flood as one line then one summary', async () => {
    const metrics = createMetrics();
    const lines: { obj: Record<string, unknown>; msg: string }[] = [];
    const logger = { warn: (obj: Record<string, unknown>, msg: string) => void lines.push({ obj, msg }) };
    const r = createDeadLetterDropReporter({
      metrics,
      logger: logger as never,
      limits: { maxCount: 10, maxBytes: 1000 },
      intervalMs: 60_000,
    });
    reporters.push(r);
    for (let i = 0; i < 500; i++) r.onDrop('rejected', 1);
    r.onDrop('delivery', 2);
    expect(lines).toHaveLength(1);
    expect(lines[0].obj).toMatchObject({ pool: 'rejected', dropped: 1, maxCount: 10, maxBytes: 1000 });
    r.flush();
    expect(lines.map((l) => l.obj)).toEqual([
      expect.objectContaining({ pool: 'rejected', dropped: 1 }),
      expect.objectContaining({ pool: 'rejected', dropped: 499 }),
      expect.objectContaining({ pool: 'delivery', dropped: 2 }),
    ]);
    const text = await metrics.registry.metrics();
    expect(text).toContain('threadline_dead_letters_dropped_total{pool="rejected"} 500');
    expect(text).toContain('threadline_dead_letters_dropped_total{pool="delivery"} 2');
  });
});
