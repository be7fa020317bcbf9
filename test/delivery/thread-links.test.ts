/**
 * Threads that point at each other, through the real webhook route on both stores: a Seer run's
 * issue thread gets a reply linking to the run's thread and the run's card links back; a Seer pull
 * request's builds and the run link each other. The link replies are ordinary deliveries: their
 * own queued job with a number in the thread, post records, once per channel.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startService, type StoreKind, type TestService } from '../helpers/service.js';
import { installSentry, readFixture, sendSentry, subscribe } from '../helpers/deliver.js';
import { sentryThreadKeys } from '../../src/sources/sentry/subjects.js';
import { linkId } from '../../src/delivery/thread-links.js';
import { postKey, seqDoneKey, seqKey } from '../../src/store/keys.js';
import type { SlackCall } from '../helpers/fake-slack.js';

type Payload = { data: Record<string, unknown> } & Record<string, unknown>;

const permalinkOf = (channel: unknown, ts: unknown) => `https://acme.slack.com/archives/${String(channel)}/p${String(ts).replace('.', '')}`;

function issue(groupId: number): Payload {
  const p = readFixture('sentry/issue/created.json') as Payload;
  const data = p.data as { issue: Record<string, unknown> };
  return { ...p, data: { ...data, issue: { ...data.issue, id: String(groupId) } } };
}

function seer(file: string, groupId: number, runId: number, prNumber?: number): Payload {
  const p = readFixture(`sentry/seer/${file}`) as Payload;
  const data: Record<string, unknown> = { ...p.data, group_id: groupId, run_id: runId };
  if (prNumber !== undefined)
    data.pull_requests = [
      {
        pull_request: { pr_number: prNumber, pr_url: `https://github.com/acme/mobile-app/pull/${prNumber}`, pr_id: 1 },
        repo_name: 'acme/mobile-app',
        provider: 'github',
      },
    ];
  return { ...p, data };
}

function build(prNumber: number): Payload {
  const p = readFixture('sentry/preprod_artifact/size_analysis_completed.json') as Payload;
  const data = p.data as { gitInfo: Record<string, unknown> };
  return { ...p, data: { ...data, buildId: String(randomInt(1e6, 2e6)), gitInfo: { ...data.gitInfo, prNumber } } };
}

const blocksOf = (call: SlackCall | undefined) =>
  typeof call?.args.blocks === 'string' ? call.args.blocks : JSON.stringify(call?.args.blocks ?? []);
const metaType = (call: SlackCall) => {
  const m = (typeof call.args.metadata === 'string' ? JSON.parse(call.args.metadata) : call.args.metadata) as
    { event_payload?: { event_type?: string } } | undefined;
  return m?.event_payload?.event_type;
};

describe.each<StoreKind>(['redis', 'sqlite'])('thread links on %s', (kind) => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startService(kind);
    await installSentry(svc);
    svc.slack.answer = (call) =>
      call.method === 'chat.getPermalink' ? { permalink: permalinkOf(call.args.channel, call.args.message_ts) } : undefined;
  });
  afterAll(async () => svc?.stop());

  const newChannel = async (kinds?: string[]) => {
    const channelId = `C${randomUUID().slice(0, 8).toUpperCase()}`;
    await subscribe(svc, { channelId, source: 'sentry', target: 'acme/*', kinds });
    return channelId;
  };
  const posts = (channelId: string) => svc.slack.of('chat.postMessage', channelId);
  const thread = (channelId: string, key: string) => svc.t.store.getThread('T1', channelId, key);
  const send = async (resource: string, p: Payload) => expect((await sendSentry(svc, resource, p)).status).toBe(200);

  it("a Seer run's issue thread gets a link reply (own job, numbered, recorded); the run's card links back; once", async () => {
    const withIssue = await newChannel();
    // Takes Seer runs but not issues: no issue thread there, so no link and no way back.
    const seerOnly = await newChannel(['seer']);
    const groupId = randomInt(1e9, 2e9);
    const runId = randomInt(1e6, 2e6);
    const issueKey = sentryThreadKeys.issue(String(groupId));
    const runKey = sentryThreadKeys.seer(String(runId));
    await send('issue', issue(groupId));
    await eventually(() => posts(withIssue).length === 1, 'the issue thread');
    await send('seer', seer('root_cause_started.json', groupId, runId));
    await eventually(() => posts(withIssue).length === 3, 'the run thread and the link reply');

    const issueThread = await thread(withIssue, issueKey);
    const runThread = await thread(withIssue, runKey);
    const link = posts(withIssue).find((c) => metaType(c) === 'sentry.issue.seer_linked');
    expect(link?.args.thread_ts).toBe(issueThread?.ts);
    expect(String(link?.args.text)).toContain(permalinkOf(withIssue, runThread?.ts));
    // The run's card (its parent) links back to the issue's thread.
    const runParent = posts(withIssue).find((c) => metaType(c) === 'sentry.seer.root_cause_started' && c.args.thread_ts === undefined);
    expect(blocksOf(runParent)).toContain(permalinkOf(withIssue, issueThread?.ts));

    // Its own job: a number in the issue's thread (after the issue's own), done, and a post record.
    const id = linkId('T1', withIssue, { type: 'sentry.issue.seer_linked', into: issueKey, from: runKey });
    await eventually(async () => (await svc.t.store.getCounter(seqDoneKey(issueKey))) === 2, 'the link job done in order');
    expect(await svc.t.store.getCounter(seqKey(issueKey))).toBe(2);
    expect(await svc.t.store.getRecord(postKey(`sentry-link-${id}`, 'T1', withIssue, 'reply'))).toMatch(/^\d+\.\d+$/);

    // The run's next stage links nothing again.
    await send('seer', seer('root_cause_completed.json', groupId, runId));
    await eventually(() => posts(withIssue).length === 4, 'the next stage');
    expect(await svc.t.queue.drained(10_000)).toBe(true);
    expect(posts(withIssue).filter((c) => metaType(c) === 'sentry.issue.seer_linked')).toHaveLength(1);

    // The Seer-only channel got the run, and neither a link nor a way back.
    await eventually(() => posts(seerOnly).length === 2, 'the run in the Seer-only channel');
    expect(posts(seerOnly).some((c) => metaType(c) === 'sentry.issue.seer_linked')).toBe(false);
    expect(blocksOf(posts(seerOnly)[0])).not.toContain('slack.com');
  });

  it("a Seer pull request's builds and the run's thread link each other, whichever arrives first", async () => {
    for (const buildsFirst of [false, true]) {
      const channelId = await newChannel();
      const groupId = randomInt(1e9, 2e9);
      const runId = randomInt(1e6, 2e6);
      const prNumber = randomInt(1e4, 1e5);
      const runKey = sentryThreadKeys.seer(String(runId));
      const prKey = sentryThreadKeys.preprodPr('acme/mobile-app', prNumber);
      await send('issue', issue(groupId));
      await eventually(() => posts(channelId).length === 1, 'the issue thread');
      await send('seer', seer('root_cause_started.json', groupId, runId));
      await eventually(() => posts(channelId).length === 3, 'the run and its issue link');
      if (buildsFirst) {
        await send('preprod_artifact', build(prNumber));
        await eventually(() => posts(channelId).length === 4, 'the build thread');
      }
      await send('seer', seer('pr_created.json', groupId, runId, prNumber));
      if (!buildsFirst) {
        await eventually(() => posts(channelId).length === 4, 'the PR reply');
        await send('preprod_artifact', build(prNumber));
      }
      await eventually(
        () =>
          posts(channelId).filter((c) => ['sentry.seer.builds_linked', 'sentry.preprod_artifact.seer_linked'].includes(metaType(c) ?? ''))
            .length === 2,
        'both link replies',
      );
      const run = await thread(channelId, runKey);
      const pr = await thread(channelId, prKey);
      const intoRun = posts(channelId).find((c) => metaType(c) === 'sentry.seer.builds_linked');
      const intoPr = posts(channelId).find((c) => metaType(c) === 'sentry.preprod_artifact.seer_linked');
      expect(intoRun?.args.thread_ts).toBe(run?.ts);
      expect(String(intoRun?.args.text)).toContain(permalinkOf(channelId, pr?.ts));
      expect(intoPr?.args.thread_ts).toBe(pr?.ts);
      expect(String(intoPr?.args.text)).toContain(permalinkOf(channelId, run?.ts));
      // Another build of the same PR links nothing again.
      await send('preprod_artifact', build(prNumber));
      expect(await svc.t.queue.drained(10_000)).toBe(true);
      const links = posts(channelId).filter((c) =>
        ['sentry.seer.builds_linked', 'sentry.preprod_artifact.seer_linked'].includes(metaType(c) ?? ''),
      );
      expect(links).toHaveLength(2);
    }
  });
});
