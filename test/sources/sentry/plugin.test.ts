import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { IngestError, type RawDelivery } from '../../../src/ingest/types.js';
import { createSentryPlugin, parseHookTimestamp } from '../../../src/sources/sentry/plugin.js';
import { fixture, META } from './fixtures.js';

const SECRET = 'plugin-secret';
const plugin = createSentryPlugin({ secrets: ['rotated-out', SECRET] });

function delivery(body: Buffer | string, headers: Record<string, string | undefined> = {}): RawDelivery {
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(body);
  return {
    source: 'sentry',
    headers: {
      'sentry-hook-signature': createHmac('sha256', SECRET).update(buf).digest('hex'),
      'sentry-hook-resource': 'issue',
      ...headers,
    },
    query: {},
    body: buf,
    receivedAt: META.receivedAt,
  };
}

function ingestError(fn: () => unknown): IngestError {
  try {
    fn();
  } catch (err) {
    if (err instanceof IngestError) return err;
    throw err;
  }
  throw new Error('expected an IngestError');
}

describe('authenticate', () => {
  const body = fixture('issue/created.json').body;

  it('passes a delivery signed with any configured secret', () => {
    expect(() => plugin.authenticate(delivery(body))).not.toThrow();
    const old = createHmac('sha256', 'rotated-out').update(body).digest('hex');
    expect(() => plugin.authenticate(delivery(body, { 'sentry-hook-signature': old }))).not.toThrow();
  });

  it('throws bad_signature 401 for a wrong or missing signature', () => {
    const wrong = ingestError(() => plugin.authenticate(delivery(body, { 'sentry-hook-signature': 'ab'.repeat(32) })));
    expect([wrong.code, wrong.status]).toEqual(['bad_signature', 401]);
    const missing = ingestError(() => plugin.authenticate(delivery(body, { 'sentry-hook-signature': undefined })));
    expect([missing.code, missing.status]).toEqual(['bad_signature', 401]);
  });

  it('refuses everything when configured with only blank secrets', () => {
    const blank = createSentryPlugin({ secrets: [' ', ''] });
    const sig = createHmac('sha256', '').update(body).digest('hex');
    expect(ingestError(() => blank.authenticate(delivery(body, { 'sentry-hook-signature': sig }))).status).toBe(401);
  });
});

describe('identify', () => {
  it('names the event type from the resource header and the body action', () => {
    expect(plugin.identify(delivery('{}', { 'sentry-hook-resource': 'issue' }), { action: 'created' })).toEqual({
      known: true,
      type: 'sentry.issue.created',
    });
    expect(plugin.identify(delivery('{}', { 'sentry-hook-resource': 'seer' }), { action: 'pr_created' })).toEqual({
      known: true,
      type: 'sentry.seer.pr_created',
    });
    expect(
      plugin.identify(delivery('{}', { 'sentry-hook-resource': 'preprod_artifact' }), { action: 'build_distribution_completed' }),
    ).toEqual({
      known: true,
      type: 'sentry.preprod_artifact.build_distribution_completed',
    });
  });

  it('reports unknown resources and actions by name', () => {
    expect(plugin.identify(delivery('{}', { 'sentry-hook-resource': 'issue' }), { action: 'escalating' })).toEqual({
      known: false,
      name: 'sentry.issue.escalating',
    });
    expect(plugin.identify(delivery('{}', { 'sentry-hook-resource': 'uptime' }), { action: 'created' })).toEqual({
      known: false,
      name: 'sentry.uptime.created',
    });
  });

  it('refuses our own link events from the webhook route: only the worker makes them', () => {
    for (const [resource, action] of [
      ['issue', 'seer_linked'],
      ['seer', 'builds_linked'],
      ['preprod_artifact', 'seer_linked'],
    ])
      expect(plugin.identify(delivery('{}', { 'sentry-hook-resource': resource }), { action })).toEqual({
        known: false,
        name: `sentry.${resource}.${action}`,
      });
  });

  it('throws missing_action 400 without a resource header or an action', () => {
    for (const [headers, json] of [
      [{ 'sentry-hook-resource': undefined }, { action: 'created' }],
      [{ 'sentry-hook-resource': '' }, { action: 'created' }],
      [{}, {}],
      [{}, { action: '' }],
      [{}, { action: 7 }],
      [{}, null],
      [{}, ['created']],
    ] as const) {
      const err = ingestError(() => plugin.identify(delivery('{}', headers), json));
      expect([err.code, err.status]).toEqual(['missing_action', 400]);
    }
  });
});

describe('deliveryId and sourceTimestamp', () => {
  it('uses Request-ID', () => {
    expect(plugin.deliveryId(delivery('{}', { 'request-id': 'c1b5a9e0-0000-4000-8000-000000000001' }), {})).toBe(
      'c1b5a9e0-0000-4000-8000-000000000001',
    );
    expect(plugin.deliveryId(delivery('{}'), {})).toBeUndefined();
  });

  it('reads unix seconds and fractional seconds', () => {
    expect(plugin.sourceTimestamp(delivery('{}', { 'sentry-hook-timestamp': '1742385600' }))?.toISOString()).toBe(
      '2025-03-19T12:00:00.000Z',
    );
    expect(parseHookTimestamp('1742385600.25')?.toISOString()).toBe('2025-03-19T12:00:00.250Z');
    // Issue 16: the header is unsigned and the spec says unix seconds: an ISO date is ignored now.
    expect(parseHookTimestamp('2025-03-19T12:00:00Z')).toBeUndefined();
    expect(parseHookTimestamp('1742385600250')?.toISOString()).toBe('2025-03-19T12:00:00.250Z');
    expect(parseHookTimestamp('yesterday')).toBeUndefined();
    expect(parseHookTimestamp(undefined)).toBeUndefined();
  });

  it('ignores anything that is not a plain number', () => {
    for (const v of ['banana', '-1742385600', '1e9', '0x67DAB2C0', ' ', 'Infinity', 'NaN', '1'.repeat(40), '2025-03-19']) {
      expect(parseHookTimestamp(v), v).toBeUndefined();
    }
  });
});

describe('precheck (before the body is read)', () => {
  const head = (headers: Record<string, string>) => ({ headers, query: {} });
  it('refuses a missing or malformed signature header with the 401 authenticate gives', () => {
    for (const [headers, problem] of [
      [{}, 'missing'],
      [{ 'sentry-hook-signature': '' }, 'missing'],
      [{ 'sentry-hook-signature': 'not-hex' }, 'malformed'],
      [{ 'sentry-hook-signature': 'a'.repeat(63) }, 'malformed'],
      [{ 'sentry-hook-signature': 'g'.repeat(64) }, 'malformed'],
    ] as const) {
      expect(() => plugin.precheck?.(head(headers)), JSON.stringify(headers)).toThrow(
        expect.objectContaining({ status: 401, code: 'bad_signature', problem }),
      );
    }
  });
  it('lets a well-formed signature through to authenticate (which may still refuse it)', () => {
    expect(() => plugin.precheck?.(head({ 'sentry-hook-signature': 'ab'.repeat(32) }))).not.toThrow();
  });
});

describe('parse', () => {
  it('keeps unknown keys', () => {
    const f = fixture('issue/created.extra-fields.json');
    const r = plugin.parse(f.type, f.json);
    expect(r.ok).toBe(true);
    if (r.ok) expect((r.payload as { data: { issue: { futureField?: unknown } } }).data.issue.futureField).toEqual({ nested: [1, 2, 3] });
  });

  const bad: Array<[string, Parameters<typeof plugin.parse>[0], unknown, string]> = [
    ['issue without data.issue', 'sentry.issue.created', { action: 'created', data: {} }, 'data.issue'],
    ['issue without id', 'sentry.issue.created', { action: 'created', data: { issue: { title: 'x' } } }, 'data.issue.id'],
    ['issue with an object id', 'sentry.issue.resolved', { action: 'resolved', data: { issue: { id: { n: 1 } } } }, 'data.issue.id'],
    ['issue with a fractional id', 'sentry.issue.resolved', { action: 'resolved', data: { issue: { id: 1.5 } } }, 'data.issue.id'],
    [
      'issue with a numeric title',
      'sentry.issue.created',
      { action: 'created', data: { issue: { id: '1', title: 5 } } },
      'data.issue.title',
    ],
    [
      'error without an issue',
      'sentry.error.created',
      { action: 'created', data: { error: { event_id: 'e', title: 't' } } },
      'data.error.issue_id',
    ],
    ['event_alert without event', 'sentry.event_alert.triggered', { action: 'triggered', data: { triggered_rule: 'r' } }, 'data.event'],
    ['comment without issue_id', 'sentry.comment.created', { action: 'created', data: { comment: 'hi', comment_id: 1 } }, 'data.issue_id'],
    [
      'metric alert without id',
      'sentry.metric_alert.critical',
      { action: 'critical', data: { metric_alert: { title: 't' } } },
      'data.metric_alert.id',
    ],
    ['seer without run_id', 'sentry.seer.root_cause_started', { action: 'root_cause_started', data: { group_id: 1 } }, 'data.run_id'],
    [
      'seer with a string pr list',
      'sentry.seer.pr_created',
      { action: 'pr_created', data: { run_id: 1, group_id: 2, pull_requests: 'x' } },
      'data.pull_requests',
    ],
    [
      'preprod without state',
      'sentry.preprod_artifact.size_analysis_completed',
      { action: 'size_analysis_completed', data: { buildId: '1' } },
      'data.state',
    ],
    [
      'installation without uuid',
      'sentry.installation.created',
      { action: 'created', data: { installation: { status: 'installed' } } },
      'data.installation.uuid',
    ],
    ['a body without action', 'sentry.issue.created', { data: { issue: { id: '1' } } }, 'action'],
    ['an array body', 'sentry.issue.created', [], ''],
  ];

  it.each(bad)('refuses %s, naming the path', (_name, type, json, path) => {
    const r = plugin.parse(type, json);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const issues = r.issues as { path: string[]; message: string }[];
    expect(JSON.parse(JSON.stringify(issues))).toEqual(issues);
    expect(issues.map((i) => i.path.join('.'))).toContain(path);
  });

  it('accepts nullable optional fields as null', () => {
    for (const name of ['issue/created.nulls.json', 'error/created.nulls.json', 'preprod_artifact/size_analysis_completed.failed.json']) {
      const f = fixture(name);
      expect(plugin.parse(f.type, f.json).ok, name).toBe(true);
    }
  });
});

describe('normalize', () => {
  it('produces the event for a parsed payload', () => {
    const f = fixture('issue/created.json');
    const r = plugin.parse(f.type, f.json);
    if (!r.ok) throw new Error('fixture does not parse');
    const ev = plugin.normalize(f.type, r.payload, { ...META, deliveryId: 'req-1' });
    expect(ev).toMatchObject({ id: 'req-1', type: 'sentry.issue.created', source: 'sentry', threadKey: 'sentry:issue:1170820242' });
  });
});
