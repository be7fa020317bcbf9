import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { startService, eventually, type TestService } from '../helpers/service.js';
import { startFakeSlack } from '../helpers/fake-slack.js';
import { readFixture, sendSentry, subscribe } from '../helpers/deliver.js';

const UUID = 'a8e5d37a-696c-4c54-adb5-b3f28d64c7de';
let issue = 7_100_000;

/** A comment on an issue of its own (no learned issue → org record): routed by the installation's org. */
function comment(text: string): Record<string, unknown> {
  const p = readFixture('sentry/comment/created.json') as { data: Record<string, unknown> } & Record<string, unknown>;
  return { ...p, data: { ...p.data, issue_id: String(++issue), comment: text, project_slug: 'mobile-app' } };
}

/** installation.created without a code (so no token exchange with Sentry). */
function installationCreated(): Record<string, unknown> {
  const p = readFixture('sentry/installation/created.json') as { data: { installation: Record<string, unknown> } } & Record<
    string,
    unknown
  >;
  const { code: _code, ...installation } = p.data.installation;
  return { ...p, data: { ...p.data, installation } };
}

const unroutable = (svc: TestService) =>
  svc.logLines().filter((l) => l.msg === 'event could not be routed (no org or app key); kept as a dead letter').length;

describe('two processes on one Redis, an installation created in one of them', () => {
  it('routes the comments that follow it in either process (neither remembers "not known")', async () => {
    const slack = await startFakeSlack();
    const env = { REDIS_PREFIX: `tl-inst-${randomUUID().slice(0, 8)}:` };
    // Each process posts with its own token, so the fake Slack tells which one delivered.
    const a = await startService('redis', { ...env, SLACK_BOT_TOKEN: 'xoxb-process-a' }, { fakeSlack: slack });
    const b = await startService('redis', { ...env, SLACK_BOT_TOKEN: 'xoxb-process-b' }, { fakeSlack: slack });
    try {
      await subscribe(a, { channelId: 'CINST', source: 'sentry', target: 'acme/mobile-app' });
      // Before the installation, comments are unroutable; send until both workers have looked one
      // up (and so would have cached "not known"), whichever of them takes each job.
      let sent = 0;
      for (let round = 0; round < 25 && !(unroutable(a) > 0 && unroutable(b) > 0); round++) {
        for (let i = 0; i < 4; i++, sent++) expect((await sendSentry(i % 2 ? a : b, 'comment', comment(`early ${sent}`))).status).toBe(200);
        await eventually(() => unroutable(a) + unroutable(b) >= sent, `${sent} early comments dead-lettered`, 20_000);
      }
      expect(
        [unroutable(a), unroutable(b)].every((n) => n > 0),
        'both workers looked up the unknown installation',
      ).toBe(true);
      const early = unroutable(a) + unroutable(b);

      expect((await sendSentry(a, 'installation', installationCreated())).status).toBe(200);
      await eventually(async () => (await a.t.store.getSentryInstallation(UUID))?.org === 'acme', 'the installation recorded', 20_000);

      // Right after it: comments until both processes have delivered some; none is dead-lettered.
      const posts = () => slack.of('chat.postMessage', 'CINST');
      const by = (token: string) => posts().some((p) => p.token === token);
      let after = 0;
      for (
        let round = 0;
        round < 25 && !(by('xoxb-process-a') && by('xoxb-process-b')) && unroutable(a) + unroutable(b) === early;
        round++
      ) {
        for (let i = 0; i < 4; i++, after++)
          expect((await sendSentry(i % 2 ? a : b, 'comment', comment(`after ${after}`))).status).toBe(200);
        await eventually(() => posts().length + unroutable(a) + unroutable(b) - early >= after, `${after} comments handled`, 20_000);
      }
      expect(unroutable(a) + unroutable(b) - early, 'comments dead-lettered after the installation').toBe(0);
      expect(posts()).toHaveLength(after);
      expect([by('xoxb-process-a'), by('xoxb-process-b')]).toEqual([true, true]);
    } finally {
      await a.t.shutdown();
      await b.stop();
      await slack.close();
    }
  }, 60_000);
});
