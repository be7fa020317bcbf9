/**
 * Fencing (issue 17): one job never has a part's post in flight twice. A run that died after Slack
 * took its post (its marker never ended) is waited out, then looked for and adopted; a run that lost
 * its lock and comes back after a newer run marked the part is fenced out.
 */

import { afterAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { startService, eventually, type StoreKind, type TestService } from '../helpers/service.js';
import { installSentry, readFixture, sendSentry, subscribe } from '../helpers/deliver.js';
import { postAttemptKey, runTokenKey } from '../../src/store/keys.js';

function issue(groupId: string): Record<string, unknown> {
  const p = readFixture('sentry/issue/created.json') as { data: { issue: Record<string, unknown> } } & Record<string, unknown>;
  return { ...p, action: 'created', data: { ...p.data, issue: { ...p.data.issue, id: groupId, status: 'unresolved' } } };
}

/** Slack's own message for a part, as a run that died right after posting it would have left it. */
async function postAsDeadRun(svc: TestService, channel: string, eventId: string, part: string): Promise<string> {
  const res = await fetch(new URL('chat.postMessage', svc.slack.url.endsWith('/') ? svc.slack.url : `${svc.slack.url}/`), {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer xoxb-test-token' },
    body: JSON.stringify({
      channel,
      text: 'posted by a run that died',
      metadata: { event_type: 'threadline_event', event_payload: { event_id: eventId, event_type: 'sentry.issue.created', part } },
    }),
  });
  return ((await res.json()) as { ts: string }).ts;
}

describe.each<StoreKind>(['redis', 'sqlite'])('fenced post attempts on %s', (kind) => {
  let svc: TestService | undefined;
  afterAll(async () => svc?.stop());

  it('a rerun after a run that died mid-post waits it out, then adopts the message instead of posting', async () => {
    svc = await startService(kind, { SLACK_LOOKUPS_PER_MINUTE: '60' }, { slackTimeoutMs: 1000 });
    await installSentry(svc);
    const ch = `C${randomUUID().slice(0, 8).toUpperCase()}`;
    await subscribe(svc, { teamId: 'TFENCE1', channelId: ch, source: 'sentry', target: 'acme/mobile-app' });
    const requestId = randomUUID();
    const jobId = `sentry-${requestId}`;
    // The dead run: it took token 1, marked the parent long enough ago, and Slack has its message.
    const store = svc.t.store;
    expect(await store.incr(runTokenKey(jobId))).toBe(1);
    // Marked just under the attempt's live time (2 × 1 s + 10 s) ago: the rerun waits the rest out.
    const at = Date.now() - 11_000;
    await store.setRecord(postAttemptKey(jobId, 'TFENCE1', ch, 'parent'), { token: 1, at, first: at, ended: false }, 3600);
    const ts = await postAsDeadRun(svc, ch, requestId, 'parent');
    const gid = String(Date.now());
    expect((await sendSentry(svc, 'issue', issue(gid), { requestId })).status).toBe(200);
    await eventually(async () => (await store.getThread('TFENCE1', ch, `sentry:issue:${gid}`))?.ts === ts, 'the message adopted', 15_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(svc.slack.of('chat.postMessage', ch)).toHaveLength(1);
    expect(svc.slack.of('conversations.history', ch)).toHaveLength(1);
    const text = await (await fetch(`${svc.url}/metrics`)).text();
    expect(text).toMatch(/^threadline_slack_lookups_total\{result="adopted"\} 1$/m);
    expect(text).toMatch(/^threadline_slack_deferrals_total\{reason="attempt_in_flight"\} [1-9]/m);
  });
});
