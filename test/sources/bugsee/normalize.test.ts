import { describe, expect, it } from 'vitest';
import type { AnyEvent, EventType } from '../../../src/events.js';
import { EVENT_TYPES, KIND_OF, SUBJECT_OF } from '../../../src/sources/catalog.js';
import { normalizeWith } from '../../../src/sources/kit/table.js';
import { BUGSEE_EVENTS } from '../../../src/sources/bugsee/events.js';

const BUGSEE_EVENT_TYPES = EVENT_TYPES.filter((t) => t.startsWith('bugsee.'));
import type { NormalizeMeta } from '../../../src/ingest/types.js';
import { createBugseePlugin } from '../../../src/sources/bugsee/plugin.js';
import { fixture, loadFixtures, RECEIVED_AT, type Fixture } from './fixtures.js';

const plugin = createBugseePlugin({ secret: 'x' });

function meta(f: Fixture): NormalizeMeta {
  return { deliveryId: f.json.id, receivedAt: RECEIVED_AT };
}

function normalizeJson(json: unknown, m: NormalizeMeta): AnyEvent {
  const id = plugin.identify({ source: 'bugsee', headers: {}, query: {}, body: Buffer.alloc(0), receivedAt: RECEIVED_AT }, json);
  if (!id.known) throw new Error(`unknown type ${id.name}`);
  const parsed = plugin.parse(id.type, json);
  if (!parsed.ok) throw new Error(`parse failed: ${JSON.stringify(parsed.issues)}`);
  return plugin.normalize(id.type, parsed.payload, m) as AnyEvent;
}

function normalized(name: string): AnyEvent {
  const f = fixture(name);
  return normalizeJson(f.json, meta(f));
}

const fixtures = loadFixtures();

describe('fixtures', () => {
  it('cover every Bugsee event type', () => {
    const covered = new Set(fixtures.map((f) => `bugsee.${f.json.type}`));
    expect([...BUGSEE_EVENT_TYPES].filter((t) => !covered.has(t))).toEqual([]);
  });

  it('are named <type>[.<variant>].json and carry a unique id', () => {
    for (const f of fixtures) expect(f.name === f.json.type || f.name.startsWith(`${f.json.type}.`), f.name).toBe(true);
    const ids = fixtures.map((f) => f.json.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe.each(fixtures.map((f) => [f.name, f] as const))('fixture %s', (name, f) => {
  it('normalizes to a stable event', async () => {
    const event = normalizeJson(f.json, meta(f));
    const type = `bugsee.${f.json.type}` as EventType;
    expect(event.id).toBe(f.json.id);
    expect(event.type).toBe(type);
    expect(event.source).toBe('bugsee');
    expect(event.kind).toBe(KIND_OF[type]);
    expect(event.subject.kind).toBe(SUBJECT_OF[type]);
    expect(event.time).toBe(new Date(f.json.created_on).toISOString());
    expect(event.routing.appKey).toBeTruthy();
    // Survives the queue: nothing that JSON would drop or change.
    expect(JSON.parse(JSON.stringify(event))).toEqual(event);
    for (const link of event.links) expect(link.url).toMatch(/^https:\/\//);
    await expect(JSON.stringify(event, null, 2) + '\n').toMatchFileSnapshot(`./__snapshots__/events/${name}.json`);
  });

  it('is pure: the same input gives the same event', () => {
    expect(normalizeJson(f.json, meta(f))).toEqual(normalizeJson(structuredClone(f.json), meta(f)));
  });
});

describe('thread keys', () => {
  it('puts both build.created phases and the deletion of one build in one thread', () => {
    const registered = normalized('build.created.registered');
    const ready = normalized('build.created.ready');
    const deleted = normalized('build.deleted');
    expect(registered.threadKey).toBe('bugsee:build:ANDROID:a1b2c3d4-e5f6-7890-abcd-ef1234567890');
    expect(ready.threadKey).toBe(registered.threadKey);
    expect(deleted.threadKey).toBe(registered.threadKey);
    expect(normalized('build.created.no-vcs').threadKey).not.toBe(registered.threadKey);
  });

  it('puts feedback in and out for one device in one thread', () => {
    const inbound = normalized('feedback.message.in');
    const outbound = normalized('feedback.message.out');
    const multi = normalized('feedback.message.in.multi');
    expect(inbound.threadKey).toBe('bugsee:feedback:IOS:D11B5769-781B-44B0-9CB7-B2D8D9C7A831');
    expect(outbound.threadKey).toBe(inbound.threadKey);
    expect(multi.threadKey).toBe(inbound.threadKey);
    expect(normalized('feedback.message.in.unicode').threadKey).not.toBe(inbound.threadKey);
  });

  it('puts every issue event and the missing-symbols event of one issue in one thread', () => {
    const names = [
      'issue.created',
      'issue.updated',
      'issue.closed',
      'issue.reopened',
      'issue.regressed',
      'issue.deleted',
      'issue.comment',
      'unsymbolicated.created',
    ];
    const keys = new Set(names.map((n) => normalized(n).threadKey));
    expect([...keys]).toEqual(['bugsee:issue:IOS:IOS-123']);
  });

  it('keeps the same issue key in two apps apart', () => {
    const f = fixture('issue.created');
    const other = structuredClone(f.json) as any;
    other.payload.app.key = 'ANDROID';
    expect(normalizeJson(other, meta(f)).threadKey).toBe('bugsee:issue:ANDROID:IOS-123');
  });

  it('posts app and user events as standalone messages', () => {
    for (const n of ['app.created', 'app.updated', 'app.deleted', 'user.created', 'user.updated', 'user.deleted']) {
      expect(normalized(n).threadKey, n).toBeNull();
    }
  });
});

describe('routing', () => {
  it('routes by payload.app.key', () => {
    expect(normalized('issue.created').routing).toEqual({ appKey: 'IOS' });
    expect(normalized('build.created.ready').routing).toEqual({ appKey: 'ANDROID' });
    expect(normalized('app.deleted').routing).toEqual({ appKey: 'IOS' });
  });

  it("routes user events, which name no app, to '*'", () => {
    for (const n of ['user.created', 'user.updated', 'user.deleted']) expect(normalized(n).routing).toEqual({ appKey: '*' });
  });
});

describe('issue state and detail', () => {
  it('marks a regression, with Bugsee as the actor', () => {
    const e = normalized('issue.regressed');
    expect(e.state).toMatchObject({ regressed: true, state: 'open', issueType: 'crash', severity: 'blocker', lastChangeBy: 'Bugsee' });
    expect(e.actor).toEqual({ type: 'system', name: 'Bugsee' });
    expect(e.filters).toEqual({ severity: 'blocker' });
  });

  it('closes, reopens and deletes', () => {
    expect(normalized('issue.closed').state).toMatchObject({ state: 'closed', lastChangeBy: 'John Smith' });
    expect(normalized('issue.reopened').state).toMatchObject({ state: 'open', lastChangeBy: 'Amy Jameson' });
    expect(normalized('issue.reopened').actor).toEqual({ type: 'user', name: 'Amy Jameson', email: 'amy.jameson@example.com' });
    const deleted = normalized('issue.deleted');
    expect(deleted.state).toMatchObject({ deleted: true });
    expect(deleted.links.map((l) => l.url)).toEqual(['https://app.bugsee.com/#/apps/IOS']);
  });

  it('flags missing symbols', () => {
    const e = normalized('unsymbolicated.created');
    expect(e.state).toMatchObject({ missingSymbols: true, issueKey: 'IOS-123' });
    expect(e.actor?.type).toBe('system');
  });

  it('carries the change map of an update', () => {
    const e = normalized('issue.updated.state-severity-labels');
    expect(e.detail).toEqual({
      changes: {
        state: { from: 'open', to: 'closed' },
        severity: { from: 'medium', to: 'critical' },
        labels: { from: [], to: ['signup', 'ui'] },
      },
    });
    expect(e.state).toMatchObject({ state: 'closed', severity: 'critical', labels: ['signup', 'ui'] });
    expect(e.filters).toEqual({ severity: 'critical' });
  });

  it('carries a comment and its author, and leaves fields the comment payload lacks unset', () => {
    const e = normalized('issue.comment');
    expect(e.detail).toEqual({
      comment: { text: 'I am on it! Will fix asap!', author: { name: 'John Smith', email: 'john.smith@example.com' } },
    });
    expect(e.actor).toMatchObject({ type: 'user', name: 'John Smith' });
    expect(e.state).toEqual({
      appKey: 'IOS',
      appName: 'iOS application',
      appUrl: 'https://app.bugsee.com/#/apps/IOS',
      issueKey: 'IOS-123',
      summary: 'Something went wrong',
      url: 'https://app.bugsee.com/#/apps/IOS/issues/IOS-123',
    });
  });

  it('keeps recordings whose attachments are null', () => {
    const e = normalized('issue.created.null-attachments');
    expect(e.state).toMatchObject({ recordings: [{ key: 'k2j4h5g6', url: 'https://app.bugsee.com/#/apps/IOS/issues/IOS-124/k2j4h5g6' }] });
    expect(e.state).not.toHaveProperty('labels');
    expect(e.state).not.toHaveProperty('description');
  });

  it('drops links that are not http(s)', () => {
    const f = fixture('issue.created');
    const json = structuredClone(f.json) as any;
    json.payload.issue.url = 'javascript:alert(1)';
    json.payload.issue.recordings[0].url = 'data:text/html,hi';
    const e = normalizeJson(json, meta(f));
    expect(e.links).toEqual([{ label: 'iOS application', url: 'https://app.bugsee.com/#/apps/IOS' }]);
  });
});

describe('feedback', () => {
  it('in: the end user is the author', () => {
    const e = normalized('feedback.message.in');
    expect(e.actor).toEqual({ type: 'user', name: 'John Smith', email: 'john.smith@example.com' });
    expect(e.detail).toMatchObject({ direction: 'in', messages: [{ text: 'This is my message!' }] });
  });

  it('out: the team member is the author, the thread user stays the end user', () => {
    const e = normalized('feedback.message.out');
    expect(e.actor).toEqual({ type: 'user', name: 'Dana Support', email: 'dana@example.com' });
    expect(e.state).toMatchObject({ user: { name: 'John Smith' }, lastMessage: { direction: 'out' } });
  });

  it('keeps every message of a multi-message delivery, in order, and the last as lastMessage', () => {
    const e = normalized('feedback.message.in.multi');
    expect(e.detail).toMatchObject({
      messages: [{ text: 'It happened again.' }, { text: 'Right after I tapped "Sign Up".' }, { text: 'Version 2.4.1, iPhone 12.' }],
    });
    expect(e.state).toMatchObject({
      lastMessage: { text: 'Version 2.4.1, iPhone 12.', createdOn: '2018-10-16T08:45:00.000Z', direction: 'in' },
    });
  });
});

describe('builds', () => {
  it('registered: phase, no size data, branch filter, PR-less links', () => {
    const e = normalized('build.created.registered');
    expect(e.detail).toEqual({ phase: 'registered' });
    expect(e.state).toMatchObject({ sizeAnalysisStatus: 'unavailable' });
    expect(e.state).not.toHaveProperty('sizeDiff');
    expect(e.state).not.toHaveProperty('previous');
    expect(e.filters).toEqual({ branch: 'main' });
    expect(e.actor).toBeNull();
  });

  it('ready: size diff, previous build, size delta filter and PR link', () => {
    const e = normalized('build.created.ready');
    expect(e.detail).toEqual({ phase: 'ready' });
    expect(e.filters).toEqual({ branch: 'main', sizeDeltaPct: 3 });
    expect(e.state).toMatchObject({
      sizeDiff: { trend: 'regression', downloadSizePct: 3, installSizePct: 3.7, anyVariantRegressed: true, regressedVariantsCount: 7 },
      previous: { uuid: '98765432-10fe-dcba-9876-543210fedcba', version: '2.4.0', downloadSize: 34193408 },
      current: { downloadSize: 35241984, installSize: 58720256, vcs: { prNumber: 42, repo: 'acme/example-app' } },
    });
    expect(e.links).toContainEqual({ label: 'Pull request', url: 'https://github.com/acme/example-app/pull/42' });
  });

  it('no vcs: no branch filter and no vcs in state', () => {
    const e = normalized('build.created.no-vcs');
    expect(e.filters).toEqual({});
    expect((e.state as { current: object }).current).not.toHaveProperty('vcs');
  });

  it('failed analysis', () => {
    const e = normalized('build.created.failed');
    expect(e.detail).toEqual({ phase: 'failed' });
    expect(e.state).toMatchObject({ sizeAnalysisStatus: 'failed' });
    expect(e.filters).toEqual({ branch: 'release/2.4' });
  });

  it('deleted: build given directly, deleted_by at the top level', () => {
    const e = normalized('build.deleted');
    expect(e.detail).toEqual({ phase: 'deleted' });
    expect(e.state).toMatchObject({ deleted: true, current: { uuid: 'a1b2c3d4-e5f6-7890-abcd-ef1234567890' } });
    expect(e.actor).toEqual({ type: 'user', name: 'John Smith', email: 'john.smith@example.com' });
  });

  it('in-flight analysis is phase other', () => {
    const f = fixture('build.created.registered');
    const json = structuredClone(f.json) as any;
    json.payload.build.current.size_analysis_status = 'processing';
    expect(normalizeJson(json, meta(f)).detail).toEqual({ phase: 'other' });
  });
});

describe('app and user events', () => {
  it('app.updated carries the changes and the updater', () => {
    const e = normalized('app.updated');
    expect(e.detail).toEqual({ changes: { description: { from: 'Our primary iOS application', to: 'Our flagship iOS application' } } });
    expect(e.actor).toMatchObject({ name: 'John Smith' });
    expect(e.state).toMatchObject({ appKey: 'IOS', platform: 'ios' });
  });

  it('user.updated does not credit the inviter with the change', () => {
    const e = normalized('user.updated');
    expect(e.actor).toBeNull();
    expect(e.detail).toEqual({ changes: { admin: { from: false, to: true } } });
    expect(e.state).toEqual({ name: 'Amy Jameson', email: 'amy.jameson@example.com', admin: true, disabled: false, country: 'us' });
  });
});

describe('unicode and Slack control sequences', () => {
  it('passes free text through verbatim (escaping is the renderer’s job)', () => {
    const e = normalized('issue.comment.unicode');
    const text = (e.detail as { comment: { text: string } }).comment.text;
    for (const s of ['🔥', '崩溃了', 'التطبيق', '<!channel>', '<@U123>', '&', '<b>bold</b>']) expect(text).toContain(s);
    const fb = normalized('feedback.message.in.unicode');
    expect(fb.title).toContain('<!channel>');
  });
});

describe('time', () => {
  const f = fixture('issue.created');
  it('falls back to the source timestamp, then to receipt, when created_on is missing or bad', () => {
    const json = { ...structuredClone(f.json), created_on: 'not a date' };
    expect(normalizeJson(json, meta(f)).time).toBe(RECEIVED_AT.toISOString());
    const { created_on: _drop, ...noTime } = structuredClone(f.json);
    const sourceTimestamp = new Date('2026-04-30T00:00:00.000Z');
    expect(normalizeJson(noTime, { ...meta(f), sourceTimestamp }).time).toBe(sourceTimestamp.toISOString());
  });
});

it('refuses a non-Bugsee type', () => {
  const f = fixture('issue.created');
  expect(() => normalizeWith(BUGSEE_EVENTS, 'sentry.issue.created', f.json, meta(f))).toThrow(/no normalizer for sentry.issue.created/);
});
