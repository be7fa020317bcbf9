import { describe, expect, it } from 'vitest';
import type { AnyEvent } from '../../../src/events.js';
import { KIND_OF, SUBJECT_OF } from '../../../src/sources/catalog.js';
import type { SentryEventType } from '../../../src/sources/sentry/events.js';
import type { NormalizeMeta } from '../../../src/ingest/types.js';
import { normalizeKnown } from '../../../src/sources/catalog.js';
import { diffFiles } from '../../../src/sources/sentry/normalize-seer.js';
import { fixture, META, META_WITH_TIMESTAMP, sentryFixtures } from './fixtures.js';

function normalize(type: SentryEventType, json: unknown, meta: NormalizeMeta = META): AnyEvent {
  return normalizeKnown(type, json, meta);
}

function fromFixture(name: string, meta: NormalizeMeta = META): AnyEvent {
  const f = fixture(name);
  return normalize(f.type, f.json, meta);
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe('every fixture', () => {
  const all = sentryFixtures();

  it('covers every Sentry event type', () => {
    const types = new Set(all.map((f) => f.type));
    expect([...types].sort()).toEqual(
      Object.keys(KIND_OF)
        .filter((t) => t.startsWith('sentry.'))
        .sort(),
    );
  });

  it.each(all.map((f) => [f.name, f] as const))('%s parses and normalizes', (_name, f) => {
    const event = normalize(f.type, f.json);
    expect(event.type).toBe(f.type);
    expect(event.source).toBe('sentry');
    expect(event.kind).toBe(KIND_OF[f.type]);
    expect(event.subject.kind).toBe(SUBJECT_OF[f.type]);
    expect(event.subject.id).toMatch(/\S/);
    expect(event.time).toMatch(ISO);
    expect(event.receivedAt).toBe(META.receivedAt.toISOString());
    expect(event.id).toBe('fixture');
    expect(event.title.length).toBeGreaterThan(0);
    if (f.resource !== 'installation') expect(event.threadKey).toMatch(/^sentry:/);
    else expect(event.threadKey).toBeNull();
    expect(event.routing.installationUuid).toBe('a8e5d37a-696c-4c54-adb5-b3f28d64c7de');
    // Normalized events travel through queues and stores as JSON.
    expect(clone(event)).toEqual(event);
    expect(event).toMatchSnapshot();
  });
});

describe('thread keys', () => {
  it('are the same for string and integer ids', () => {
    expect(fromFixture('issue/created.json').threadKey).toBe('sentry:issue:1170820242');
    expect(fromFixture('issue/resolved.int-id.json').threadKey).toBe('sentry:issue:1170820242');
    expect(fromFixture('error/created.json').threadKey).toBe('sentry:issue:1170820242');
    expect(fromFixture('error/created.nulls.json').threadKey).toBe('sentry:issue:1170820242');
    expect(fromFixture('comment/created.json').threadKey).toBe('sentry:issue:1170820242');
    expect(fromFixture('comment/created.asyncapi.json').threadKey).toBe('sentry:issue:1170820242');
    expect(fromFixture('event_alert/triggered.json').threadKey).toBe('sentry:issue:1170820242');
    expect(fromFixture('seer/root_cause_started.json').threadKey).toBe('sentry:seer:12345');
    expect(fromFixture('seer/root_cause_started.string-ids.json').threadKey).toBe('sentry:seer:12345');
    expect(fromFixture('seer/root_cause_started.json').routing.groupId).toBe('1170820242');
    expect(fromFixture('seer/root_cause_started.string-ids.json').routing.groupId).toBe('1170820242');
  });

  it('key metric alerts by incident, preprod by PR else build', () => {
    expect(fromFixture('metric_alert/critical.json').threadKey).toBe('sentry:metric_alert:53');
    expect(fromFixture('metric_alert/resolved.json').threadKey).toBe('sentry:metric_alert:53');
    expect(fromFixture('preprod_artifact/size_analysis_completed.json').threadKey).toBe('sentry:preprod:acme/mobile-app#482');
    expect(fromFixture('preprod_artifact/build_distribution_completed.json').threadKey).toBe('sentry:preprod:acme/mobile-app#482');
    expect(fromFixture('preprod_artifact/size_analysis_completed.failed.json').threadKey).toBe('sentry:preprod:acme/mobile-app#482');
    expect(fromFixture('preprod_artifact/size_analysis_completed.no-pr.json').threadKey).toBe('sentry:preprod:build:74');
  });

  it('derive an event issue id from issue_url when issue_id is absent', () => {
    const json = clone(fixture('error/created.json').json) as { data: { error: Record<string, unknown> } };
    delete json.data.error.issue_id;
    expect(normalize('sentry.error.created', json).threadKey).toBe('sentry:issue:1170820242');
  });
});

describe('routing', () => {
  it('takes org and project from an error event URLs, not its numeric project id', () => {
    const ev = fromFixture('error/created.json');
    expect(ev.routing).toMatchObject({ org: 'acme', project: 'mobile-app', groupId: '1170820242' });
  });

  it('takes the org from <org>.sentry.io when that is the only URL', () => {
    const ev = fromFixture('error/created.nulls.json');
    expect(ev.routing.org).toBe('acme');
    expect(ev.routing.project).toBeUndefined();
  });

  it('takes a non-numeric project field as the slug when URLs name none', () => {
    const json = clone(fixture('error/created.nulls.json').json) as { data: { error: Record<string, unknown> } };
    json.data.error.project = 'mobile-app';
    expect(normalize('sentry.error.created', json).routing.project).toBe('mobile-app');
    json.data.error.project = '4504938';
    expect(normalize('sentry.error.created', json).routing.project).toBeUndefined();
  });

  it('reads org from every issue URL form', () => {
    for (const url of [
      'https://sentry.io/organizations/acme/issues/1170820242/',
      'https://acme.sentry.io/issues/1170820242/',
      'https://sentry.io/api/0/organizations/acme/issues/1170820242/',
    ]) {
      const json = clone(fixture('issue/created.json').json) as { data: { issue: Record<string, unknown> } };
      Object.assign(json.data.issue, { permalink: null, web_url: null, url });
      expect(normalize('sentry.issue.created', json).routing.org, url).toBe('acme');
    }
  });

  it('uses project slugs from issues, comments, alerts and preprod', () => {
    expect(fromFixture('issue/created.json').routing.project).toBe('mobile-app');
    expect(fromFixture('comment/created.json').routing.project).toBe('mobile-app');
    expect(fromFixture('metric_alert/warning.json').routing).toMatchObject({ org: 'acme', project: 'mobile-app' });
    expect(fromFixture('preprod_artifact/build_distribution_completed.json').routing).toMatchObject({ org: 'acme', project: 'mobile-app' });
  });

  it('puts every alert rule project into the state', () => {
    const json = clone(fixture('metric_alert/critical.json').json) as { data: { metric_alert: { alert_rule: { projects: string[] } } } };
    json.data.metric_alert.alert_rule.projects = ['mobile-app', 'web'];
    const ev = normalize('sentry.metric_alert.critical', json);
    expect(ev.routing.project).toBe('mobile-app');
    expect(ev.state).toMatchObject({ projects: ['mobile-app', 'web'] });
  });

  it('leaves Seer project and org to the runtime', () => {
    const ev = fromFixture('seer/pr_created.json');
    expect(ev.routing).toEqual({ installationUuid: 'a8e5d37a-696c-4c54-adb5-b3f28d64c7de', groupId: '1170820242' });
  });
});

describe('time', () => {
  it('dates lifecycle changes by the delivery timestamp', () => {
    expect(fromFixture('issue/resolved.json', META_WITH_TIMESTAMP).time).toBe('2025-03-19T12:45:30.000Z');
    expect(fromFixture('issue/created.json', META_WITH_TIMESTAMP).time).toBe('2025-03-19T12:45:30.000Z');
    expect(fromFixture('issue/created.json').time).toBe('2025-03-19T11:58:37.391Z'); // firstSeen without a timestamp
    expect(fromFixture('issue/resolved.json').time).toBe(META.receivedAt.toISOString());
  });

  it('dates events, comments and alerts by their own times', () => {
    expect(fromFixture('error/created.json', META_WITH_TIMESTAMP).time).toBe('2025-03-19T11:58:37.391Z');
    const json = clone(fixture('error/created.json').json) as { data: { error: Record<string, unknown> } };
    json.data.error.datetime = null;
    expect(normalize('sentry.error.created', json, META_WITH_TIMESTAMP).time).toBe('2025-03-19T11:58:37.391Z'); // unix timestamp
    expect(fromFixture('comment/updated.json', META_WITH_TIMESTAMP).time).toBe('2025-03-19T12:25:01.000Z');
    expect(fromFixture('metric_alert/resolved.json', META_WITH_TIMESTAMP).time).toBe('2025-03-19T13:25:00.000Z');
    expect(fromFixture('metric_alert/critical.json').time).toBe('2025-03-19T12:40:00.000Z');
    // An escalation keeps date_detected; the delivery dates the change.
    expect(fromFixture('metric_alert/critical.json', META_WITH_TIMESTAMP).time).toBe('2025-03-19T12:45:30.000Z');
  });

  it('falls back to the delivery timestamp, then receipt', () => {
    expect(fromFixture('seer/coding_started.json', META_WITH_TIMESTAMP).time).toBe('2025-03-19T12:45:30.000Z');
    expect(fromFixture('seer/coding_started.json').time).toBe('2025-03-19T12:00:00.000Z');
    expect(fromFixture('preprod_artifact/size_analysis_completed.json', META_WITH_TIMESTAMP).time).toBe('2025-03-19T12:45:30.000Z');
  });
});

describe('state and detail', () => {
  it('issue lifecycle sets status and who changed it', () => {
    expect(fromFixture('issue/resolved.json').state).toMatchObject({ status: 'resolved', lastChangeBy: 'Jane Doe' });
    expect(fromFixture('issue/archived.json').state).toMatchObject({ status: 'ignored', substatus: 'archived_until_escalating' });
    expect(fromFixture('issue/unresolved.json').state).toMatchObject({ status: 'unresolved', lastChangeBy: 'Sentry' });
    expect(fromFixture('issue/created.json').state).not.toHaveProperty('lastChangeBy');
    expect(fromFixture('issue/ignored.json').detail).toEqual({ action: 'ignored', statusDetails: { ignoreCount: 100, ignoreWindow: 60 } });
  });

  it('a resolved snapshot that still says unresolved is resolved', () => {
    const json = clone(fixture('issue/resolved.json').json) as { data: { issue: Record<string, unknown> } };
    json.data.issue.status = 'unresolved';
    expect(normalize('sentry.issue.resolved', json).state).toMatchObject({ status: 'resolved' });
  });

  it('issue.assigned gives the assignee; null assignedTo is an explicit unassign', () => {
    expect(fromFixture('issue/assigned.json').state).toMatchObject({
      assignee: { type: 'user', id: '2', name: 'Sam Lee', email: 'sam@acme.example' },
      lastChangeBy: 'Jane Doe',
    });
    expect(fromFixture('issue/created.json').state).toMatchObject({ assignee: null });
    const json = clone(fixture('issue/created.json').json) as { data: { issue: Record<string, unknown> } };
    delete json.data.issue.assignedTo;
    expect(normalize('sentry.issue.created', json).state).not.toHaveProperty('assignee');
  });

  it('maps actors: Sentry is the system, users and apps keep their ids', () => {
    expect(fromFixture('issue/created.json').actor).toEqual({ type: 'system', id: 'sentry', name: 'Sentry' });
    expect(fromFixture('issue/resolved.json').actor).toEqual({ type: 'user', id: '1', name: 'Jane Doe' });
    expect(fromFixture('issue/ignored.json').actor).toEqual({
      type: 'application',
      id: 'b1e1f4a2-3c5d-4e6f-8a9b-0c1d2e3f4a5b',
      name: 'Threadline',
    });
    const json = clone<Record<string, unknown>>(fixture('issue/created.json').json);
    delete json.actor;
    expect(normalize('sentry.issue.created', json).actor).toBeNull();
  });

  it('errors carry level and environment, falling back to tags', () => {
    expect(fromFixture('error/created.json').filters).toEqual({ level: 'error', environment: 'production' });
    expect(fromFixture('error/created.nulls.json').filters).toEqual({ level: 'warning', environment: 'staging' });
    expect(fromFixture('event_alert/triggered.json').detail).toMatchObject({ error: { triggeredRule: 'Checkout errors in production' } });
  });

  it('comments read both the flat and the nested shape', () => {
    expect(fromFixture('comment/created.json').detail).toEqual({
      comment: { id: '9876', text: 'Looks like the cart is empty when the payment sheet opens. @sam can you take it?' },
    });
    expect(fromFixture('comment/created.asyncapi.json').detail).toEqual({ comment: { id: '9877', text: 'Fixed in #482 🎉' } });
  });

  it('keeps unicode and Slack control sequences verbatim (escaping is the renderer’s job)', () => {
    const ev = fromFixture('issue/created.unicode.json');
    expect(ev.title).toContain('<!channel>');
    expect(ev.title).toContain('💥');
    expect(ev.title).toContain('支払い');
    expect(ev.title).toContain('خطأ');
  });

  it('metric alerts carry threshold, comparison and metric value', () => {
    expect(fromFixture('metric_alert/warning.json').state).toMatchObject({
      status: 'warning',
      threshold: 100,
      comparison: '>',
      metricValue: 123,
    });
    expect(fromFixture('metric_alert/critical.json').state).toMatchObject({
      status: 'critical',
      threshold: 200,
      metricValue: 1204,
      dateClosed: null,
    });
    expect(fromFixture('metric_alert/resolved.json').state).toMatchObject({ status: 'resolved', dateClosed: '2025-03-19T13:25:00.000Z' });
  });

  it('seer stages accumulate what each one knows', () => {
    expect(fromFixture('seer/root_cause_started.json').state).toEqual({
      runId: '12345',
      groupId: '1170820242',
      stages: { root_cause_started: '2025-03-19T12:00:00.000Z' },
    });
    const rc = fromFixture('seer/root_cause_completed.json').state as { rootCause: { steps: unknown[] } };
    expect(rc.rootCause.steps).toEqual([
      { title: 'User taps Pay on the checkout screen.', important: false },
      {
        title: 'onSubmit reads cart.items[0].id before the cart has loaded.',
        important: true,
        file: 'app/screens/Checkout.tsx',
        repo: 'acme/mobile-app',
      },
    ]);
    expect(fromFixture('seer/solution_completed.json').state).toMatchObject({
      solution: { steps: ['Disable the Pay button until the cart has loaded.', 'Return early from onSubmit when the cart is empty.'] },
    });
    expect(fromFixture('seer/coding_completed.json').state).toMatchObject({
      changes: [
        {
          repo: 'acme/mobile-app',
          branch: 'seer/fix-empty-cart-checkout',
          files: ['app/screens/Checkout.tsx', 'app/screens/__tests__/Checkout.test.tsx'],
        },
      ],
    });
  });

  it('seer pr_created with several PRs links each', () => {
    const ev = fromFixture('seer/pr_created.multiple.json');
    expect(ev.links.map((l) => l.url)).toEqual([
      'https://github.com/acme/mobile-app/pull/482',
      'https://github.com/acme/payments-sdk/pull/97',
      'https://github.com/acme/shared-ui/pull/15',
    ]);
    expect((ev.state as { pullRequests: unknown[] }).pullRequests).toHaveLength(3);
    expect(ev.detail).toEqual({ stage: 'pr_created' });
  });

  it('preprod size gives the largest download growth and the branch', () => {
    const ev = fromFixture('preprod_artifact/size_analysis_completed.json');
    // watch app 8051594 → 8765015 bytes (+8.86 %) beats the main app (+2.60 %)
    expect(ev.filters).toEqual({ branch: 'feature/checkout-v2', sizeDeltaPct: 8.86 });
    expect(ev.links).toEqual([{ label: 'PR #482', url: 'https://github.com/acme/mobile-app/pull/482' }]);
    expect(ev.detail).toEqual({ phase: 'size_analysis', buildId: '72', state: 'COMPLETED' });
  });

  it('a failed preprod run says so', () => {
    const size = fromFixture('preprod_artifact/size_analysis_completed.failed.json');
    expect(size.state).toMatchObject({ size: { state: 'FAILED', errorCode: 'TIMEOUT', components: [] } });
    expect(size.filters).not.toHaveProperty('sizeDeltaPct');
    expect(size.title).toContain('failed');
    const dist = fromFixture('preprod_artifact/build_distribution_completed.failed.json');
    expect(dist.state).toMatchObject({ distribution: { state: 'FAILED', errorCode: 'NO_QUOTA', isInstallable: false } });
    expect(dist.links.find((l) => l.label === 'Install')).toBeUndefined();
    expect(fromFixture('preprod_artifact/build_distribution_completed.json').links.map((l) => l.label)).toEqual(['PR #482', 'Install']);
  });

  it('installation events carry org and code, and no thread', () => {
    const ev = fromFixture('installation/created.json');
    expect(ev).toMatchObject({
      threadKey: null,
      routing: { org: 'acme' },
      state: { org: 'acme', orgName: 'Acme Inc.' },
      detail: { code: '8a3f0c2e9b7d4f61a5c2e8d7b6a4f3e1' },
    });
    expect(fromFixture('installation/deleted.json').detail).toEqual({});
  });

  it('never links to non-http URLs from the payload', () => {
    const json = clone(fixture('issue/created.json').json) as { data: { issue: Record<string, unknown> } };
    json.data.issue.permalink = 'javascript:alert(1)';
    json.data.issue.web_url = null;
    expect(normalize('sentry.issue.created', json).links).toEqual([]);
  });
});

describe('diffFiles', () => {
  it('lists added, changed and deleted files once', () => {
    const diff = [
      '--- a/src/a.ts',
      '+++ b/src/a.ts',
      '@@ -1 +1 @@',
      '-x',
      '+y',
      '--- /dev/null',
      '+++ b/src/new.ts',
      '--- a/src/gone.ts',
      '+++ /dev/null',
      '--- a/src/a.ts',
      '+++ b/src/a.ts',
    ].join('\n');
    expect(diffFiles(diff)).toEqual(['src/a.ts', 'src/new.ts', 'src/gone.ts']);
    expect(diffFiles('<the diff as a string>')).toEqual([]);
    expect(diffFiles(null)).toEqual([]);
  });
});
