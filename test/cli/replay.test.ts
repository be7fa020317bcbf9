import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  buildReplayRequest,
  withReplayNonce,
  detectSentryResource,
  detectSource,
  formatAnswer,
  parseReplayArgs,
  UsageError,
  type ReplayOptions,
} from '../../src/cli/replay-lib.js';
import { listReplayFiles, runReplay } from '../../src/cli/replay.js';
import { SCENARIOS } from '../../src/cli/scenarios.js';
import { verifySentrySignature } from '../../src/sources/sentry/verify.js';
import { SENTRY_DERIVED_TYPES } from '../../src/sources/sentry/events.js';
import { eventually, startService, BUGSEE_SECRET, SENTRY_SECRET, type TestService } from '../helpers/service.js';
import { installSentry, subscribe } from '../helpers/deliver.js';

const FIXTURES = path.resolve('fixtures');
const sentryFixtures = () =>
  readdirSync(path.join(FIXTURES, 'sentry')).flatMap((res) =>
    readdirSync(path.join(FIXTURES, 'sentry', res))
      .filter((f) => f.endsWith('.json'))
      .map((f) => ({ resource: res, file: path.join(FIXTURES, 'sentry', res, f) })),
  );
const bugseeFixtures = () =>
  readdirSync(path.join(FIXTURES, 'bugsee'))
    .filter((f) => f.endsWith('.json'))
    .map((f) => path.join(FIXTURES, 'bugsee', f));
const readJson = (f: string) => JSON.parse(readFileSync(f, 'utf8')) as unknown;

const baseOpts = (over: Partial<ReplayOptions> = {}): ReplayOptions => ({
  files: [],
  url: 'http://127.0.0.1:1',
  keepIds: false,
  delayMs: 0,
  help: false,
  ...over,
});
let ids = 0;
const deps = { newId: () => `id-${++ids}`, nowSeconds: () => 1_700_000_000 };

describe('detectSource', () => {
  it('tells every Sentry fixture from every Bugsee fixture', () => {
    for (const { file } of sentryFixtures()) expect(detectSource(readJson(file)), file).toBe('sentry');
    for (const file of bugseeFixtures()) expect(detectSource(readJson(file)), file).toBe('bugsee');
  });

  it('recognises neither shape in other JSON', () => {
    expect(detectSource({ hello: 'world' })).toBeUndefined();
    expect(detectSource([1, 2])).toBeUndefined();
    expect(detectSource({ type: 'issue.created' })).toBeUndefined();
    expect(detectSource({ action: 'created' })).toBeUndefined();
  });
});

describe('detectSentryResource', () => {
  it('takes the resource from the fixture folder', () => {
    expect(detectSentryResource('fixtures/sentry/seer/x.json', { action: 'created', data: { issue: {} } })).toBe('seer');
  });

  // Our own link events (src/delivery/thread-links.ts) are never replayed: Sentry does not send them.
  const fromSentry = sentryFixtures().filter(
    (f) => !SENTRY_DERIVED_TYPES.has(`sentry.${f.resource}.${path.basename(f.file).split('.')[0]}`),
  );
  it.each(fromSentry.map((f) => [path.relative(FIXTURES, f.file), f.resource, f.file]))(
    'detects %s as %s from its content alone',
    (_name, resource, file) => {
      expect(detectSentryResource(undefined, readJson(file))).toBe(resource);
      expect(detectSentryResource('/tmp/saved/payload.json', readJson(file))).toBe(resource);
    },
  );

  it('falls back to the action when data says nothing', () => {
    expect(detectSentryResource(undefined, { action: 'coding_started', data: {} })).toBe('seer');
    expect(detectSentryResource(undefined, { action: 'size_analysis_completed', data: {} })).toBe('preprod_artifact');
    expect(detectSentryResource(undefined, { action: 'critical', data: {} })).toBe('metric_alert');
    expect(detectSentryResource(undefined, { action: 'created', data: {} })).toBeUndefined();
  });
});

describe('buildReplayRequest', () => {
  const issue = path.join(FIXTURES, 'sentry/issue/created.json');
  const text = readFileSync(issue, 'utf8');

  it('signs the exact Sentry bytes so the service verifies them, with a fresh Request-ID', () => {
    const req = buildReplayRequest('fixtures/sentry/issue/created.json', text, baseOpts({ secret: 's3cret' }), deps);
    // Issue 16: the saved bytes plus a `_replay` nonce, so the service does not take it for a replay.
    expect(req.body).toBe(withReplayNonce(text, req.headers['request-id']));
    expect(JSON.parse(req.body)).toEqual({ ...JSON.parse(text), _replay: req.headers['request-id'] });
    expect(req.url).toBe('http://127.0.0.1:1/webhooks/sentry');
    expect(req.headers['sentry-hook-resource']).toBe('issue');
    expect(req.headers['sentry-hook-timestamp']).toBe('1700000000');
    expect(req.headers['request-id']).toMatch(/^id-\d+$/);
    expect(verifySentrySignature(Buffer.from(req.body), req.headers['sentry-hook-signature'], ['s3cret'])).toBe(true);
    expect(verifySentrySignature(Buffer.from(req.body), req.headers['sentry-hook-signature'], ['other'])).toBe(false);
    const again = buildReplayRequest('x', text, baseOpts({ secret: 's3cret' }), deps);
    expect(again.headers['request-id']).not.toBe(req.headers['request-id']);
    expect(again.body).not.toBe(req.body);
  });

  it('sends no Request-ID with --keep-ids (the service then dedups on the body hash)', () => {
    const req = buildReplayRequest('x', text, baseOpts({ secret: 's', keepIds: true }), deps);
    expect(req.headers['request-id']).toBeUndefined();
    expect(req.body).toBe(text);
  });

  it('adds the nonce as a top-level field of any object body', () => {
    expect(JSON.parse(withReplayNonce('{}', 'n'))).toEqual({ _replay: 'n' });
    expect(JSON.parse(withReplayNonce('{ "a": 1 }\n', 'n'))).toEqual({ a: 1, _replay: 'n' });
    expect(withReplayNonce('[1]', 'n')).toBe('[1]');
  });

  it('sends Bugsee envelopes with the token in the query and a fresh envelope id', () => {
    const file = path.join(FIXTURES, 'bugsee/feedback.message.in.json');
    const raw = readFileSync(file, 'utf8');
    const req = buildReplayRequest('f', raw, baseOpts({ bugseeToken: 'a b&c' }), deps);
    expect(req.url).toBe('http://127.0.0.1:1/webhooks/bugsee?token=a%20b%26c');
    expect(req.label).toBe('bugsee/feedback.message.in');
    const sent = JSON.parse(req.body) as Record<string, unknown>;
    expect(sent.id).toMatch(/^id-\d+$/);
    expect({ ...sent, id: 'bsfx0022' }).toEqual(JSON.parse(raw));
    const kept = buildReplayRequest('f', raw, baseOpts({ bugseeToken: 't', keepIds: true }), deps);
    expect(kept.body).toBe(raw);
  });

  it('uses --secret for Bugsee when no Bugsee token is given', () => {
    const raw = readFileSync(path.join(FIXTURES, 'bugsee/issue.created.json'), 'utf8');
    expect(buildReplayRequest('f', raw, baseOpts({ secret: 'dev-secret' }), deps).url).toMatch(/\?token=dev-secret$/);
  });

  it('honours --source over detection', () => {
    const req = buildReplayRequest(
      'fixtures/sentry/issue/x.json',
      '{"type":"x","payload":{}}',
      baseOpts({ source: 'sentry', secret: 's' }),
      deps,
    );
    expect(req.source).toBe('sentry');
    expect(req.headers['sentry-hook-resource']).toBe('issue');
  });

  it('refuses what it cannot send, naming the file and the fix', () => {
    expect(() => buildReplayRequest('a.json', 'nope', baseOpts({ secret: 's' }), deps)).toThrow(/a.json: not JSON/);
    expect(() => buildReplayRequest('b.json', '{"x":1}', baseOpts({ secret: 's' }), deps)).toThrow(/--source/);
    expect(() => buildReplayRequest('c.json', text, baseOpts(), deps)).toThrow(/--secret or set SENTRY_CLIENT_SECRET/);
    expect(() => buildReplayRequest('d.json', '{"action":"x","data":{}}', baseOpts({ secret: 's' }), deps)).toThrow(
      /which Sentry resource/,
    );
    expect(() => buildReplayRequest('e.json', '{"type":"x","payload":{}}', baseOpts(), deps)).toThrow(/--bugsee-token/);
  });
});

describe('parseReplayArgs', () => {
  it('reads every option, in both --name value and --name=value forms', () => {
    const o = parseReplayArgs([
      'a.json',
      '--url',
      'http://h:1/',
      '--source=bugsee',
      '--secret',
      's',
      '--bugsee-token',
      't',
      '--keep-ids',
      '--delay=5',
      'dir',
    ]);
    expect(o).toEqual({
      files: ['a.json', 'dir'],
      url: 'http://h:1',
      source: 'bugsee',
      secret: 's',
      bugseeToken: 't',
      keepIds: true,
      delayMs: 5,
      help: false,
    });
    expect(parseReplayArgs(['--scenario', 'feedback'])).toMatchObject({ scenario: 'feedback', delayMs: 300, url: 'http://localhost:3000' });
  });

  it('rejects bad usage', () => {
    expect(() => parseReplayArgs([])).toThrow(UsageError);
    expect(() => parseReplayArgs(['--delay', 'soon', 'a'])).toThrow(/--delay/);
    expect(() => parseReplayArgs(['--source', 'github', 'a'])).toThrow(/--source/);
    expect(() => parseReplayArgs(['--url', 'ftp://x', 'a'])).toThrow(/--url/);
    expect(() => parseReplayArgs(['--secret'])).toThrow(/needs a value/);
    expect(() => parseReplayArgs(['--frobnicate', 'a'])).toThrow(/unknown option/);
  });
});

describe('listReplayFiles', () => {
  it('walks folders recursively in name order, keeping only .json', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tl-replay-'));
    try {
      mkdirSync(path.join(dir, 'b/issue'), { recursive: true });
      mkdirSync(path.join(dir, 'a'));
      for (const f of ['b/issue/2.json', 'b/issue/1.json', 'b/0.json', 'a/z.json', 'a/notes.txt']) writeFileSync(path.join(dir, f), '{}');
      expect(listReplayFiles([dir]).map((f) => path.relative(dir, f))).toEqual([
        'a/z.json',
        'b/0.json',
        'b/issue/1.json',
        'b/issue/2.json',
      ]);
      expect(listReplayFiles([path.join(dir, 'a/notes.txt')])).toEqual([path.join(dir, 'a/notes.txt')]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

it('formatAnswer prints one line per delivery', () => {
  expect(formatAnswer({ file: 'f.json', label: 'sentry/issue' }, 200, '{\n "status": "accepted"\n}')).toBe(
    '200 sentry/issue f.json { "status": "accepted" }',
  );
});

it('every scenario names fixtures that exist', () => {
  for (const [name, s] of Object.entries(SCENARIOS)) {
    for (const f of s.files) expect(() => readFileSync(path.join(FIXTURES, f)), `${name}: ${f}`).not.toThrow();
  }
});

describe('runReplay against a running service', () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startService('sqlite');
    await installSentry(svc);
    await subscribe(svc, { channelId: 'C1', source: 'sentry', target: 'acme/mobile-app' });
    await subscribe(svc, { channelId: 'C2', source: 'bugsee', target: 'IOS' });
  });
  afterAll(async () => svc?.stop());

  const run = async (argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runReplay(argv, { stdout: (l) => out.push(l), stderr: (l) => err.push(l), env: {} });
    return { code, out, err };
  };

  it('replays the issue lifecycle: all 200, and Slack gets one parent with every later event threaded under it', async () => {
    const r = await run(['--url', svc.url, '--secret', SENTRY_SECRET, '--delay', '20', '--scenario', 'issue-lifecycle']);
    expect(r.err).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.out).toHaveLength(5);
    for (const line of r.out) expect(line).toMatch(/^200 sentry\/\w+ .*"status":"accepted"/);
    expect(r.out.map((l) => l.split(' ')[2])).toEqual(SCENARIOS['issue-lifecycle'].files.map((f) => `fixtures/${f}`));

    await eventually(() => svc.slack.of('chat.postMessage', 'C1').length >= 5, 'five posts in C1');
    const posts = svc.slack.of('chat.postMessage', 'C1');
    const parents = posts.filter((p) => !p.args.thread_ts);
    expect(parents).toHaveLength(1);
    const parentTs = (await svc.t.store.getThread('T1', 'C1', 'sentry:issue:1170820242'))?.ts;
    expect(parentTs).toBeTruthy();
    expect(posts.filter((p) => p.args.thread_ts === parentTs)).toHaveLength(4);
    expect(svc.slack.of('chat.update', 'C1').every((u) => u.args.ts === parentTs)).toBe(true);
  });

  it('replays a Bugsee feedback conversation into one thread', async () => {
    const r = await run(['--url', svc.url, '--bugsee-token', BUGSEE_SECRET, '--delay', '0', '--scenario', 'feedback']);
    expect(r.code).toBe(0);
    expect(r.out.map((l) => l.split(' ')[0])).toEqual(['200', '200', '200']);
    await eventually(() => svc.slack.of('chat.postMessage', 'C2').length >= 3, 'three posts in C2');
    const posts = svc.slack.of('chat.postMessage', 'C2');
    expect(posts.filter((p) => !p.args.thread_ts)).toHaveLength(1);
    expect(new Set(posts.slice(1).map((p) => p.args.thread_ts)).size).toBe(1);
  });

  it('a replay with --keep-ids is answered as a duplicate; a wrong secret exits 1 with the 401 printed', async () => {
    const file = path.join(FIXTURES, 'sentry/metric_alert/critical.json');
    const first = await run(['--url', svc.url, '--secret', SENTRY_SECRET, '--keep-ids', file]);
    const second = await run(['--url', svc.url, '--secret', SENTRY_SECRET, '--keep-ids', file]);
    expect(first.code).toBe(0);
    expect(second.code).toBe(0);
    expect(second.out[0]).toMatch(/^200 sentry\/metric_alert .*"duplicate"/);
    const bad = await run(['--url', svc.url, '--secret', 'wrong', file]);
    expect(bad.code).toBe(1);
    expect(bad.out[0]).toMatch(/^401 sentry\/metric_alert /);
    expect(bad.err.join('\n')).toMatch(/1 of 1 deliveries were not accepted/);
  });

  it('reports an unreachable service per file and exits 1; usage errors exit 2', async () => {
    const down = await run([
      '--url',
      'http://127.0.0.1:1',
      '--secret',
      's',
      '--delay',
      '0',
      path.join(FIXTURES, 'sentry/issue/created.json'),
    ]);
    expect(down.code).toBe(1);
    expect(down.out[0]).toMatch(/^ERR sentry\/issue /);
    expect((await run(['--scenario', 'nope'])).code).toBe(2);
    expect((await run(['--secret', 's', 'does/not/exist.json'])).err[0]).toMatch(/no such file/);
  });
});

describe('runReplay against a dry-run service (the README quick start)', () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startService('sqlite', { SLACK_BOT_TOKEN: '', SLACK_CHANNEL_INTERVAL_MS: '0' });
  });
  afterAll(async () => svc?.stop());

  it('with no subscription at all, the PR builds land threaded in the dry-run log', async () => {
    const out: string[] = [];
    const code = await runReplay(['--url', svc.url, '--delay', '0', '--scenario', 'pr-builds'], {
      stdout: (l) => out.push(l),
      stderr: () => undefined,
      env: { SENTRY_CLIENT_SECRET: SENTRY_SECRET },
    });
    expect(code).toBe(0);
    expect(out).toHaveLength(3);
    const dry = () =>
      svc.logLines().filter((l) => l.dryRun === true && l.method === 'chat.postMessage') as { args: Record<string, unknown> }[];
    await eventually(() => dry().length >= 3, 'three dry-run posts');
    expect(svc.slack.calls).toEqual([]);
    const [parent, ...replies] = dry();
    expect(parent.args.thread_ts).toBeUndefined();
    expect(replies).toHaveLength(2);
    expect(new Set(replies.map((r) => r.args.thread_ts)).size).toBe(1);
  });

  it('the Seer run routes without a Sentry installation: one thread, parent then six replies', async () => {
    const out: string[] = [];
    const code = await runReplay(['--url', svc.url, '--secret', SENTRY_SECRET, '--delay', '0', '--scenario', 'seer-run'], {
      stdout: (l) => out.push(l),
      stderr: () => undefined,
    });
    expect(code).toBe(0);
    expect(out.map((l) => l.split(' ')[0])).toEqual(Array(8).fill('200'));
    const seerPosts = () =>
      (
        svc.logLines().filter((l) => l.dryRun === true && l.method === 'chat.postMessage') as {
          args: { thread_ts?: string; metadata?: { event_payload?: { event_type?: string } } };
        }[]
      ).filter(
        // The stages; a link to the PR's builds thread (when the pr-builds scenario ran first) is not one.
        (l) =>
          l.args.metadata?.event_payload?.event_type?.startsWith('sentry.seer.') &&
          l.args.metadata.event_payload.event_type !== 'sentry.seer.builds_linked',
      );
    await eventually(() => seerPosts().length >= 7, 'seven Seer posts');
    const [parent, ...replies] = seerPosts();
    expect(parent.args.metadata?.event_payload?.event_type).toBe('sentry.seer.root_cause_started');
    expect(parent.args.thread_ts).toBeUndefined();
    expect(replies).toHaveLength(6);
    expect(new Set(replies.map((r) => r.args.thread_ts)).size).toBe(1);
  });
});
