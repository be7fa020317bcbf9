import { describe, expect, it } from 'vitest';
import { IngestError } from '../../../src/ingest/types.js';
import { createBugseePlugin } from '../../../src/sources/bugsee/plugin.js';
import { delivery, fixture, loadFixtures, RECEIVED_AT } from './fixtures.js';

const SECRET = 'plugin-secret';
const plugin = createBugseePlugin({ secret: SECRET });

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

describe('authenticate', () => {
  it('passes a delivery with the right token', () => {
    expect(() => plugin.authenticate(delivery({ query: { token: SECRET } }))).not.toThrow();
    expect(() => plugin.authenticate(delivery({ headers: { 'x-bugsee-token': SECRET } }))).not.toThrow();
  });

  it('throws bad_token 401 for a wrong or missing token', () => {
    for (const d of [delivery({ query: { token: 'wrong' } }), delivery()]) {
      const err = caught(() => plugin.authenticate(d));
      expect(err).toBeInstanceOf(IngestError);
      expect(err).toMatchObject({ code: 'bad_token', status: 401 });
    }
  });
});

describe('identify', () => {
  it('knows every fixture type as bugsee.<type>', () => {
    for (const f of loadFixtures()) {
      expect(plugin.identify(delivery(), f.json)).toEqual({ known: true, type: `bugsee.${f.json.type}` });
    }
  });

  it('answers known:false with the name for a type this version does not know', () => {
    expect(plugin.identify(delivery(), { type: 'issue.merged', payload: {} })).toEqual({ known: false, name: 'bugsee.issue.merged' });
    expect(plugin.identify(delivery(), { type: 'session.created' })).toEqual({ known: false, name: 'bugsee.session.created' });
  });

  it('bounds the length of an unknown name', () => {
    const result = plugin.identify(delivery(), { type: 'x'.repeat(10_000) });
    expect(result.known).toBe(false);
    expect(result.known === false && result.name.length).toBeLessThanOrEqual(100);
  });

  it('throws missing_type 400 when the body names no type', () => {
    for (const json of [{}, { type: '' }, { type: '  ' }, { type: 42 }, { type: null }, [], 'issue.created', null]) {
      const err = caught(() => plugin.identify(delivery(), json));
      expect(err).toBeInstanceOf(IngestError);
      expect(err).toMatchObject({ code: 'missing_type', status: 400 });
    }
  });
});

describe('deliveryId and sourceTimestamp', () => {
  it('uses the envelope id', () => {
    const f = fixture('issue.created');
    expect(plugin.deliveryId(delivery(), f.json)).toBe(f.json.id);
    expect(plugin.deliveryId(delivery(), { id: 12345, type: 'issue.created' })).toBe('12345');
  });

  it('falls back to X-Bugsee-Delivery, else leaves it to the pipeline (body hash)', () => {
    const d = delivery({ headers: { 'x-bugsee-delivery': 'hdr-1' } });
    expect(plugin.deliveryId(d, { type: 'issue.created' })).toBe('hdr-1');
    expect(plugin.deliveryId(delivery(), { type: 'issue.created' })).toBeUndefined();
    expect(plugin.deliveryId(delivery(), { id: '', type: 'issue.created' })).toBeUndefined();
  });

  it('has no source timestamp', () => {
    expect(plugin.sourceTimestamp(delivery())).toBeUndefined();
  });
});

describe('precheck (before the body is read)', () => {
  const head = (headers: Record<string, string>, query: Record<string, string> = {}) => ({ headers, query });
  it('refuses a missing or over-long token with the 401 authenticate gives', () => {
    expect(() => plugin.precheck?.(head({}))).toThrow(expect.objectContaining({ status: 401, code: 'bad_token', problem: 'missing' }));
    expect(() => plugin.precheck?.(head({}, { token: '' }))).toThrow(expect.objectContaining({ problem: 'missing' }));
    expect(() => plugin.precheck?.(head({ 'x-bugsee-token': 'x'.repeat(2000) }))).toThrow(
      expect.objectContaining({ problem: 'malformed' }),
    );
  });
  it('lets any present token through to authenticate (which may still refuse it)', () => {
    expect(() => plugin.precheck?.(head({}, { token: 'wrong-but-present' }))).not.toThrow();
    expect(() => plugin.precheck?.(head({ 'x-bugsee-token': 'wrong-but-present' }))).not.toThrow();
  });
});

describe('parse', () => {
  const issue = fixture('issue.created').json;

  it('accepts every fixture', () => {
    for (const f of loadFixtures()) {
      const result = plugin.parse(`bugsee.${f.json.type}` as never, f.json);
      expect(result.ok, f.name).toBe(true);
    }
  });

  it('passes unknown keys through', () => {
    const json = { ...issue, extra: 1, payload: { ...issue.payload, brand_new: { a: 1 } } };
    const result = plugin.parse('bugsee.issue.created', json);
    expect(result.ok).toBe(true);
    expect(result.ok && (result.payload as { payload: object }).payload).toHaveProperty('brand_new', { a: 1 });
    expect(result.ok && result.payload).toHaveProperty('extra', 1);
  });

  it('tolerates null in optional fields and an absent id', () => {
    const json = {
      type: 'issue.created',
      created_on: null,
      payload: {
        app: { key: 'IOS', name: null, url: null },
        issue: {
          key: 'IOS-9',
          summary: null,
          description: null,
          type: null,
          state: null,
          labels: null,
          url: null,
          severity: null,
          recordings: [{ key: null, url: null, attachments: null }],
          created_by: null,
        },
      },
    };
    expect(plugin.parse('bugsee.issue.created', json).ok).toBe(true);
  });

  const failures: Array<[string, string, (j: Record<string, any>) => unknown, string[]]> = [
    [
      'issue without key',
      'issue.created',
      (j) => ({ ...j, payload: { ...j.payload, issue: { ...j.payload.issue, key: undefined } } }),
      ['payload', 'issue', 'key'],
    ],
    ['issue without app', 'issue.closed', (j) => ({ ...j, payload: { issue: j.payload.issue } }), ['payload', 'app']],
    [
      'comment issue key empty',
      'issue.comment',
      (j) => ({ ...j, payload: { ...j.payload, issue: { key: '' } } }),
      ['payload', 'issue', 'key'],
    ],
    [
      'feedback without device id',
      'feedback.message.in',
      (j) => ({ ...j, payload: { ...j.payload, thread: { state: 'open' } } }),
      ['payload', 'thread', 'device_id'],
    ],
    [
      'build without current',
      'build.created.ready',
      (j) => ({ ...j, payload: { ...j.payload, build: { previous: j.payload.build.previous } } }),
      ['payload', 'build', 'current'],
    ],
    [
      'deleted build without uuid',
      'build.deleted',
      (j) => ({ ...j, payload: { ...j.payload, build: { version: '1' } } }),
      ['payload', 'build', 'uuid'],
    ],
    // Issue 18 part 9: a user without a name or email is accepted (a placeholder is shown); a delivery without a user is not.
    ['user event without a user', 'user.created', (j) => ({ ...j, payload: {} }), ['payload', 'user']],
    [
      'labels not strings',
      'issue.created',
      (j) => ({ ...j, payload: { ...j.payload, issue: { ...j.payload.issue, labels: [1] } } }),
      ['payload', 'issue', 'labels', '0'],
    ],
    ['payload not an object', 'app.created', (j) => ({ ...j, payload: 'nope' }), ['payload']],
  ];

  for (const [what, name, mutate, path] of failures) {
    it(`fails with issues for ${what}`, () => {
      const f = fixture(name);
      const result = plugin.parse(`bugsee.${f.json.type}` as never, mutate(f.json as Record<string, any>));
      expect(result.ok).toBe(false);
      const issues = (result as { issues: Array<{ path: string[] }> }).issues;
      expect(issues.map((i) => i.path)).toContainEqual(path);
      expect(() => JSON.stringify(issues)).not.toThrow();
    });
  }

  it('refuses a type that is not a Bugsee type', () => {
    expect(plugin.parse('sentry.issue.created', issue).ok).toBe(false);
  });
});

describe('normalize through the plugin', () => {
  it('uses the meta it is given', () => {
    const f = fixture('issue.closed');
    const parsed = plugin.parse('bugsee.issue.closed', f.json);
    if (!parsed.ok) throw new Error('parse failed');
    const event = plugin.normalize('bugsee.issue.closed', parsed.payload, { deliveryId: 'dlv-1', receivedAt: RECEIVED_AT });
    expect(event).toMatchObject({ id: 'dlv-1', type: 'bugsee.issue.closed', source: 'bugsee', receivedAt: RECEIVED_AT.toISOString() });
  });
});
