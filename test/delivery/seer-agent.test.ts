/**
 * Agent-based Seer through the real webhook route and delivery: the newer payloads (sentry_run_id,
 * five whys, code_changes by repository, pr_ready_for_review) thread into their run's thread, in
 * the same thread as a documented-shape event of the same run, on both stores.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomInt, randomUUID } from 'node:crypto';
import { eventually, startService, type StoreKind, type TestService } from '../helpers/service.js';
import { installSentry, readFixture, sendSentry, subscribe } from '../helpers/deliver.js';

type Payload = { action: string; data: Record<string, unknown> } & Record<string, unknown>;

function seer(file: string, runId: number, groupId: number, withUuid = true): Payload {
  const p = readFixture(`sentry/seer/${file}`) as Payload;
  const data: Record<string, unknown> = { ...p.data, run_id: runId, group_id: groupId };
  if (!withUuid) delete data.sentry_run_id;
  return { ...p, data };
}

describe.each<StoreKind>(['redis', 'sqlite'])('agent-based Seer on %s', (kind) => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startService(kind);
    await installSentry(svc);
  });
  afterAll(async () => svc?.stop());

  it('threads both shapes of one run into one thread; the card shows five whys and changed files with counts, no diff', async () => {
    const channelId = `C${randomUUID().slice(0, 8).toUpperCase()}`;
    await subscribe(svc, { channelId, source: 'sentry', target: 'acme/mobile-app' });
    const groupId = randomInt(1e9, 2e9);
    const runId = randomInt(1e6, 2e6);
    // The issue teaches the runtime the group's project, as in real traffic.
    const issue = readFixture('sentry/issue/created.json') as Payload;
    const data = issue.data as { issue: Record<string, unknown> };
    expect((await sendSentry(svc, 'issue', { ...issue, data: { issue: { ...data.issue, id: String(groupId) } } })).status).toBe(200);
    await eventually(() => svc.slack.of('chat.postMessage', channelId).length === 1, 'the issue card');

    // The documented shape (run_id only) opens the run's thread; the agent shape continues it.
    const sequence = [
      seer('root_cause_started.json', runId, groupId, false),
      seer('root_cause_completed.agent.json', runId, groupId),
      seer('coding_completed.agent.json', runId, groupId),
      seer('pr_ready_for_review.json', runId, groupId),
    ];
    // The issue thread's link to the run (thread-links.test.ts) is not the run's.
    const runPosts = () =>
      svc.slack
        .of('chat.postMessage', channelId)
        .filter((c) => !JSON.stringify(c.args.metadata ?? '').includes('sentry.issue.seer_linked'));
    for (const p of sequence) {
      expect((await sendSentry(svc, 'seer', p)).status).toBe(200);
      // In order: each waits for the one before, so the card ends in its final state.
      const want = sequence.indexOf(p) + 2;
      await eventually(() => runPosts().length === want, `post ${want}`);
    }
    const posts = runPosts();
    const seerParent = posts[1];
    expect(seerParent?.args.thread_ts).toBeUndefined();
    const replies = posts.slice(2);
    expect(replies.every((r) => r.args.thread_ts !== undefined && r.args.thread_ts === replies[0]?.args.thread_ts)).toBe(true);
    expect(replies).toHaveLength(3);
    expect(String(replies[2]?.args.text)).toContain('Ready for review');

    const runTs = seerParent ? (await svc.t.store.getThread('T1', channelId, `sentry:seer:${runId}`))?.ts : undefined;
    const runUpdates = () => svc.slack.of('chat.update', channelId).filter((c) => c.args.ts === runTs);
    await eventually(() => runUpdates().length >= 3, 'card updates');
    const card = JSON.stringify(runUpdates().at(-1)?.args.blocks);
    expect(card).toContain('Five whys');
    expect(card).toContain('No loading state guards the Pay button');
    expect(card).toContain('app/screens/CheckoutButton.tsx');
    expect(card).toContain('+9 −2');
    expect(card).toContain('Ready for review');
    // Diffs are counted, never shown.
    expect(card).not.toContain('@@');
  });

  it('a run named only by its sentry_run_id is threaded by it', async () => {
    const channelId = `C${randomUUID().slice(0, 8).toUpperCase()}`;
    await subscribe(svc, { channelId, source: 'sentry', target: 'acme/*' });
    const groupId = randomInt(1e9, 2e9);
    const issue = readFixture('sentry/issue/created.json') as Payload;
    const data = issue.data as { issue: Record<string, unknown> };
    expect((await sendSentry(svc, 'issue', { ...issue, data: { issue: { ...data.issue, id: String(groupId) } } })).status).toBe(200);
    const uuid = randomUUID();
    const p = seer('root_cause_started.agent.json', 0, groupId);
    delete p.data.run_id;
    p.data.sentry_run_id = uuid;
    expect((await sendSentry(svc, 'seer', p)).status).toBe(200);
    await eventually(async () => (await svc.t.store.getThread('T1', channelId, `sentry:seer:${uuid}`)) !== null, 'the run thread');
  });

  it('refuses (422) a Seer delivery that names no run at all', async () => {
    const p = seer('root_cause_started.agent.json', 1, 2);
    delete p.data.run_id;
    delete p.data.sentry_run_id;
    expect((await sendSentry(svc, 'seer', p)).status).toBe(422);
  });
});
