import { seqDoneKey, seqKey } from '../../src/store/keys.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { startService, eventually, type StoreKind, type TestService } from '../helpers/service.js';
import { installSentry, readFixture, sendSentry, subscribe } from '../helpers/deliver.js';
import { THREAD_TTL_SECONDS } from '../../src/store/store.js';
import type { RedisStore } from '../../src/store/redis.js';
import type { SqliteStore } from '../../src/store/sqlite.js';

function comment(groupId: string, text: string): Record<string, unknown> {
  const p = readFixture('sentry/comment/created.json') as { data: Record<string, unknown> } & Record<string, unknown>;
  return { ...p, data: { ...p.data, issue_id: groupId, comment: text, project_slug: 'mobile-app' } };
}

/** Seconds until a counter expires, read from the backend itself (null: it never expires). */
async function counterTtl(svc: TestService, key: string): Promise<number | null> {
  const store = svc.t.store;
  if (store.kind === 'redis') {
    const r = store as RedisStore;
    const ttl = await r.client.ttl(`${r.prefix}ctr:${key}`);
    return ttl < 0 ? null : ttl;
  }
  const row = (store as SqliteStore).db.prepare('SELECT expires_at FROM counters WHERE key = ?').get(key) as
    { expires_at: number | null } | undefined;
  return row?.expires_at == null ? null : Math.round((row.expires_at - Date.now()) / 1000);
}

describe.each<StoreKind>(['redis', 'sqlite'])('thread sequence retention on %s', (kind) => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startService(kind);
    await installSentry(svc);
  });
  afterAll(async () => svc?.stop());

  it('expires the sequence counter and its done mark with the thread record (90 days after the last event)', async () => {
    const channelId = `C${randomUUID().slice(0, 8).toUpperCase()}`;
    await subscribe(svc, { channelId, source: 'sentry', target: 'acme/mobile-app' });
    const gid = String(Date.now());
    for (let i = 0; i < 3; i++) expect((await sendSentry(svc, 'comment', comment(gid, `c${i}`))).status).toBe(200);
    await eventually(() => svc.slack.of('chat.postMessage', channelId).length === 3, '3 posts');
    const threadKey = `sentry:issue:${gid}`;
    await eventually(async () => (await svc.t.store.getCounter(seqDoneKey(threadKey))) === 3, 'all done');
    for (const key of [seqKey(threadKey), seqDoneKey(threadKey)]) {
      const ttl = await counterTtl(svc, key);
      expect(ttl, key).not.toBeNull();
      expect(ttl as number).toBeGreaterThan(THREAD_TTL_SECONDS - 600);
      expect(ttl as number).toBeLessThanOrEqual(THREAD_TTL_SECONDS);
    }
    const thread = await svc.t.store.getThread('T1', channelId, threadKey);
    expect(thread?.state).toBeTruthy();
  });
});
