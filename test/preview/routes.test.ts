/**
 * The preview over HTTP, in a whole dry-run service (real SQLite store, real queue and worker):
 * the page, the live stream, scenarios injected after the signature step, clicks through the real
 * action handlers, and who may use it.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import { startService, type TestService } from '../helpers/service.js';

const NO_CREDENTIALS = { SLACK_BOT_TOKEN: '', SLACK_SIGNING_SECRET: '', SENTRY_CLIENT_SECRET: '', BUGSEE_WEBHOOK_SECRET: '' };
const WRITE = { 'content-type': 'application/json', 'x-threadline-preview': '1' };

async function until<T>(get: () => Promise<T | undefined> | T | undefined, what: string, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The ts of the message holding the first control matching `marker` (the last message opened before it). */
function parentTs(html: string, marker: string): string | undefined {
  const at = html.indexOf(marker);
  return [...html.slice(0, at).matchAll(/class="message" data-channel="C_DRYRUN" data-ts="([^"]+)"/g)].at(-1)?.[1];
}

/** A GET with headers fetch will not let a caller set (Host). */
function rawGet(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
      .on('error', reject);
  });
}

describe('the dry-run preview routes', () => {
  let svc: TestService;
  const page = async () => (await fetch(`${svc.url}/preview`)).text();

  beforeAll(async () => {
    svc = await startService('sqlite', NO_CREDENTIALS, { preview: { scenarioDelayMs: 0 } });
  });
  afterAll(async () => {
    await svc?.stop();
  });

  it('serves the page with landmarks, scenario buttons and a policy that forbids loading anything from elsewhere', async () => {
    const res = await fetch(`${svc.url}/preview`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    const html = await res.text();
    for (const tag of ['<header', '<nav', '<main']) expect(html).toContain(tag);
    for (const name of ['issue-lifecycle', 'seer-run', 'pr-builds', 'feedback', 'all-fixtures'])
      expect(html).toContain(`data-scenario="${name}"`);
    expect(html).toContain('<script src="/preview/app.js"></script>');
    expect(html).not.toMatch(/(src|href)="https?:\/\/(?!app\.slack\.com\/block-kit-builder)/);
    const js = await fetch(`${svc.url}/preview/app.js`);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect(await js.text()).toContain("new EventSource('/preview/events')");
  });

  it('streams changes live while a scenario runs, and shows one thread with its replies', async () => {
    const ctrl = new AbortController();
    const stream = await fetch(`${svc.url}/preview/events`, { signal: ctrl.signal });
    expect(stream.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
    const started = await fetch(`${svc.url}/preview/scenarios/issue-lifecycle`, { method: 'POST', headers: WRITE });
    expect(started.status).toBe(202);
    let text = '';
    const decoder = new TextDecoder();
    while ((text.match(/^event: change$/gm) ?? []).length < 5) text += decoder.decode((await reader.read()).value);
    ctrl.abort();
    const first = JSON.parse(/^data: (.*)$/m.exec(text)?.[1] ?? '{}') as { kind?: string; html?: string; sectionId?: string };
    expect(first.kind).toBe('thread');
    expect(first.sectionId).toBe('ch-C_DRYRUN');
    expect(first.html).toContain('class="thread-card"');
    const html = await until(async () => {
      const h = await page();
      return h.includes('4 replies') ? h : undefined;
    }, 'four replies');
    expect(html.match(/class="thread-card"/g)).toHaveLength(1);
    expect(html).toContain('data-action-id="sentry.issue.unresolve"');
    expect(html).toContain('Open in Block Kit Builder');
  });

  it('runs a scenario again as new work (fresh nonce), not as duplicates', async () => {
    const before = (await page()).match(/class="message"/g)?.length ?? 0;
    await fetch(`${svc.url}/preview/scenarios/feedback`, { method: 'POST', headers: WRITE });
    await fetch(`${svc.url}/preview/scenarios/feedback`, { method: 'POST', headers: WRITE });
    await until(
      async () => (((await page()).match(/class="message"/g)?.length ?? 0) >= before + 6 ? true : undefined),
      'both feedback runs',
    );
    const injected = svc.logLines().filter((l) => l.msg === 'preview: fixture injected' && l.scenario === 'feedback');
    expect(injected).toHaveLength(6);
    expect(injected.map((l) => l.outcome)).toEqual(injected.map(() => 'accepted'));
  });

  it('runs the real handlers on a click: Unresolve changes the card, the thread gets a reply, Sentry is a logged dry-run', async () => {
    const html = await page();
    const ts = parentTs(html, 'data-action-id="sentry.issue.unresolve"');
    const value = /data-action-id="sentry.issue.unresolve" data-value="([^"]+)"/.exec(html)?.[1]?.replace(/&quot;/g, '"');
    expect(ts && value).toBeTruthy();
    const res = await fetch(`${svc.url}/preview/actions`, {
      method: 'POST',
      headers: WRITE,
      body: JSON.stringify({ channel: 'C_DRYRUN', ts, actionId: 'sentry.issue.unresolve', value }),
    });
    expect(res.status).toBe(200);
    const after = await until(async () => {
      const h = await page();
      return h.includes('5 replies') ? h : undefined;
    }, 'the reply of the click');
    expect(after).toContain('data-action-id="sentry.issue.resolve"');
    expect(after).toMatch(/Unresolved(<\/b>)? by <b>@you/);
    expect(svc.logLines().some((l) => l.dryRun === true && l.api === 'sentry' && l.method === 'PUT')).toBe(true);

    // Assign: the pretend person's Slack email matches a pretend Sentry member.
    const assign = await fetch(`${svc.url}/preview/actions`, {
      method: 'POST',
      headers: WRITE,
      body: JSON.stringify({ channel: 'C_DRYRUN', ts, actionId: 'sentry.issue.assign', selectedUser: 'U_PREVIEW_ADA' }),
    });
    expect(assign.status).toBe(200);
    await until(async () => ((await page()).includes('Assigned to <b>Ada Lovelace</b> by <b>@you') ? true : undefined), 'the assignment');
  });

  it('opens the Reply modal and sends the reply through the real submission handler', async () => {
    const html = await page();
    const ts = parentTs(html, 'data-action-id="bugsee.feedback.reply"');
    const value = /data-value="([^"]+)"/
      .exec(html.slice(html.indexOf('data-action-id="bugsee.feedback.reply"')))?.[1]
      ?.replace(/&quot;/g, '"');
    const click = await fetch(`${svc.url}/preview/actions`, {
      method: 'POST',
      headers: WRITE,
      body: JSON.stringify({ channel: 'C_DRYRUN', ts, actionId: 'bugsee.feedback.reply', value }),
    });
    expect(click.status).toBe(200);
    const viewId = await until(async () => /data-view-id="([^"]+)"/.exec(await page())?.[1], 'the modal');
    const empty = await fetch(`${svc.url}/preview/views/${viewId}`, {
      method: 'POST',
      headers: WRITE,
      body: JSON.stringify({ values: { reply: { text: ' ' } } }),
    });
    expect(await empty.json()).toMatchObject({ status: 'invalid', errors: { reply: expect.any(String) } });
    const sent = await fetch(`${svc.url}/preview/views/${viewId}`, {
      method: 'POST',
      headers: WRITE,
      body: JSON.stringify({ values: { reply: { text: 'Fixed in 2.1, thanks!' } } }),
    });
    expect(await sent.json()).toMatchObject({ status: 'ok' });
    await until(async () => ((await page()).includes('Fixed in 2.1, thanks!</blockquote>') ? true : undefined), 'the reply in the thread');
    expect(await page()).not.toContain(`data-view-id="${viewId}"`);
    expect(svc.logLines().some((l) => l.dryRun === true && l.api === 'bugsee' && l.method === 'POST')).toBe(true);
  });

  it('refuses clicks on unknown messages, bad bodies, and writes without the page header', async () => {
    const unknown = await fetch(`${svc.url}/preview/actions`, {
      method: 'POST',
      headers: WRITE,
      body: JSON.stringify({ channel: 'C_DRYRUN', ts: '1.000001', actionId: 'sentry.issue.resolve' }),
    });
    expect(unknown.status).toBe(404);
    const bad = await fetch(`${svc.url}/preview/actions`, { method: 'POST', headers: WRITE, body: JSON.stringify({ channel: 1 }) });
    expect(bad.status).toBe(400);
    const plain = await fetch(`${svc.url}/preview/scenarios/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: '{}',
    });
    expect(plain.status).toBe(403);
    const noScenario = await fetch(`${svc.url}/preview/scenarios/nope`, { method: 'POST', headers: WRITE });
    expect(noScenario.status).toBe(404);
  });

  it('answers 403 to a request that is not from this machine: forwarded for another host, or a foreign Host name', async () => {
    expect(await rawGet(`${svc.url}/preview`, {})).toBe(200);
    expect(await rawGet(`${svc.url}/preview`, { 'x-forwarded-for': '203.0.113.7' })).toBe(403);
    expect(await rawGet(`${svc.url}/preview`, { forwarded: 'for=203.0.113.7' })).toBe(403);
    expect(await rawGet(`${svc.url}/preview/events`, { host: 'rebound.example.com' })).toBe(403);
    expect(await rawGet(`${svc.url}/preview`, { host: 'localhost:3000' })).toBe(200);
  });
});

describe('the preview elsewhere', () => {
  it('is a 404 when Slack credentials are set', async () => {
    const svc = await startService('sqlite', {}, { worker: false });
    try {
      expect((await fetch(`${svc.url}/preview`)).status).toBe(404);
      expect((await fetch(`${svc.url}/preview/events`)).status).toBe(404);
      expect((await fetch(`${svc.url}/preview/scenarios/feedback`, { method: 'POST', headers: WRITE })).status).toBe(404);
    } finally {
      await svc.stop();
    }
  });

  it('shuts down while a page holds its event stream open', async () => {
    const svc = await startService('sqlite', NO_CREDENTIALS, { worker: false });
    const stream = await fetch(`${svc.url}/preview/events`);
    expect(stream.status).toBe(200);
    const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    // Without the streams ended, the server's close would wait on this response until the test times out.
    await svc.stop();
    let done = false;
    while (!done) done = (await reader.read()).done;
    expect(done).toBe(true);
  });

  it('answers other machines with PREVIEW_ALLOW_REMOTE=1', async () => {
    const svc = await startService('sqlite', { ...NO_CREDENTIALS, PREVIEW_ALLOW_REMOTE: '1' }, { worker: false });
    try {
      expect(await rawGet(`${svc.url}/preview`, { 'x-forwarded-for': '203.0.113.7', host: 'threadline.example.com' })).toBe(200);
    } finally {
      await svc.stop();
    }
  });
});
