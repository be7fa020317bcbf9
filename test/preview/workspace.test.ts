import { describe, expect, it } from 'vitest';
import { createPretendWorkspace, type WorkspaceChange } from '../../src/preview/workspace.js';
import { createDryRunSlack } from '../../src/delivery/slack-client.js';
import { createLogger } from '../../src/log.js';

const silent = createLogger({ level: 'silent' });
const blocks = (text: string) => [{ type: 'section', text: { type: 'mrkdwn', text } }];

describe('the pretend workspace', () => {
  it('keeps what the dry-run Slack client posts: parent, replies, card updates, ephemerals and modals', async () => {
    const ws = createPretendWorkspace();
    const changes: WorkspaceChange[] = [];
    ws.subscribe((c) => changes.push(c));
    const slack = createDryRunSlack(silent, ws.observe);
    const parent = await slack.call<{ ts: string }>('chat.postMessage', { channel: 'C1', text: 'open', blocks: blocks('open') });
    await slack.call('chat.postMessage', { channel: 'C1', text: 'r1', thread_ts: parent.ts });
    await slack.call('chat.update', { channel: 'C1', ts: parent.ts, text: 'resolved', blocks: blocks('resolved') });
    await slack.call('chat.postEphemeral', { channel: 'C1', user: 'U1', text: 'nope' });
    const opened = await slack.call<{ view: { id: string } }>('views.open', {
      trigger_id: 't',
      view: { type: 'modal', title: { type: 'plain_text', text: 'Reply' } },
    });

    const t = ws.thread('C1', parent.ts);
    expect(t?.parent).toMatchObject({ text: 'resolved', blocks: blocks('resolved'), edits: 1 });
    expect(t?.replies.map((r) => r.text)).toEqual(['r1']);
    expect(ws.message('C1', t?.replies[0]?.ts ?? '')?.text).toBe('r1');
    expect(ws.channels()[0]?.ephemerals).toMatchObject([{ user: 'U1', text: 'nope' }]);
    expect(ws.modal(opened.view.id)?.view).toMatchObject({ type: 'modal' });
    expect(changes.map((c) => c.kind)).toEqual(['thread', 'thread', 'thread', 'channel', 'modal']);
    ws.closeModal(opened.view.id);
    expect(ws.modals()).toEqual([]);
  });

  it('answers users.info for a pretend person with the email Assign needs, and leaves others as they were', async () => {
    const ws = createPretendWorkspace();
    const slack = createDryRunSlack(silent, ws.observe);
    const ada = await slack.call<{ user: { profile: { email?: string } } }>('users.info', { user: 'U_PREVIEW_ADA' });
    expect(ada.user.profile.email).toBe('ada@example.com');
    const other = await slack.call<{ user: { id: string; profile: { email?: string } } }>('users.info', { user: 'U_OTHER' });
    expect(other.user).toEqual({ id: 'U_OTHER', profile: {} });
  });

  it('caps channels, threads, replies, ephemerals and modals, dropping the oldest', () => {
    const ws = createPretendWorkspace({ channels: 2, threadsPerChannel: 2, repliesPerThread: 3, ephemeralsPerChannel: 2, modals: 1 });
    let n = 0;
    const post = (channel: string, thread_ts?: string) => {
      const ts = `100.${String(++n).padStart(6, '0')}`;
      ws.observe('chat.postMessage', { channel, text: ts, ...(thread_ts ? { thread_ts } : {}) }, { ts });
      return ts;
    };
    const first = post('C1');
    for (let i = 0; i < 5; i++) post('C1', first);
    const t = ws.thread('C1', first);
    expect(t?.replies.map((r) => r.text)).toEqual(['100.000004', '100.000005', '100.000006']);
    expect(t?.droppedReplies).toBe(2);
    post('C1');
    post('C1');
    expect(ws.thread('C1', first)).toBeUndefined();
    expect(ws.channels().find((c) => c.id === 'C1')?.threads.size).toBe(2);
    post('C2');
    post('C3');
    expect(ws.channels().map((c) => c.id)).toEqual(['C3', 'C2']);
    for (let i = 0; i < 4; i++) ws.observe('chat.postEphemeral', { channel: 'C3', user: 'U', text: `e${i}` }, {});
    expect(ws.channels()[0]?.ephemerals.map((e) => e.text)).toEqual(['e2', 'e3']);
    ws.observe('views.open', { view: { type: 'modal' } }, {});
    ws.observe('views.open', { view: { type: 'modal' } }, {});
    expect(ws.modals()).toHaveLength(1);
  });

  it('keeps a reply whose parent it never saw, under a thread without a parent', () => {
    const ws = createPretendWorkspace();
    ws.observe('chat.postMessage', { channel: 'C1', text: 'late', thread_ts: '1.000001' }, { ts: '2.000001' });
    expect(ws.thread('C1', '1.000001')).toMatchObject({ parent: null, replies: [{ text: 'late' }] });
  });
});
