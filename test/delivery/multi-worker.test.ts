import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { startService, eventually } from '../helpers/service.js';
import { startFakeSlack } from '../helpers/fake-slack.js';
import { installSentry, readFixture, sendSentry, subscribe } from '../helpers/deliver.js';

function comment(groupId: string, text: string): Record<string, unknown> {
  const p = readFixture('sentry/comment/created.json') as { data: Record<string, unknown> } & Record<string, unknown>;
  return { ...p, data: { ...p.data, issue_id: groupId, comment: text, project_slug: 'mobile-app' } };
}

describe('two workers on one Redis', () => {
  it('deliver every event once, with one parent per thread', async () => {
    const slack = await startFakeSlack();
    const env = { REDIS_PREFIX: `tl-mw-${randomUUID().slice(0, 8)}:` };
    const a = await startService('redis', env, { fakeSlack: slack });
    const b = await startService('redis', env, { fakeSlack: slack });
    try {
      await installSentry(a);
      await subscribe(a, { channelId: 'CMULTI', source: 'sentry', target: 'acme/mobile-app' });
      const threads = Array.from({ length: 10 }, (_, i) => String(9_000_000 + i));
      const sends: Promise<{ status: number }>[] = [];
      for (let i = 0; i < 100; i++) {
        const svc = i % 2 ? a : b;
        sends.push(sendSentry(svc, 'comment', comment(threads[i % 10], `m${i}`)));
      }
      expect((await Promise.all(sends)).every((r) => r.status === 200)).toBe(true);
      await eventually(() => slack.of('chat.postMessage', 'CMULTI').length >= 100, '100 posts', 30_000);
      await new Promise((r) => setTimeout(r, 300));
      const posts = slack.of('chat.postMessage', 'CMULTI');
      const ids = posts.map((p) => (p.args.metadata as { event_payload: { event_id: string } }).event_payload.event_id);
      expect(new Set(ids).size).toBe(100);
      expect(posts).toHaveLength(100);
      expect(posts.filter((p) => !p.args.thread_ts)).toHaveLength(10);
    } finally {
      await a.t.shutdown();
      await b.stop();
      await slack.close();
    }
  });
});
