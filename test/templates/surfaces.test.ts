/**
 * The Slack texts that no webhook causes: `/threadline` replies (help, every usage error, list)
 * and App Home. They pass the same validator as the templates' messages: within Slack's limits,
 * and no `<…>` that Slack would read as a control sequence.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DeadLetter, Subscription } from '../../src/store/store.js';
import { parseCommand } from '../../src/slack/command-parse.js';
import { helpReply, LIST_PAGE_SIZE, listReply, usageReply } from '../../src/slack/command-replies.js';
import { buildHomeView, type DeliveryEntry } from '../../src/slack/home-view.js';
import { LIMITS } from '../../templates/blocks.js';
import { validateHomeView, validateMessage } from '../../templates/validate.js';

const asMessage = (text: string) => ({ text, blocks: [] });
const problemsOf = (text: string) => validateMessage(asMessage(text));

function usageFor(text: string): string {
  const r = parseCommand(text);
  if (r.ok) throw new Error(`"${text}" parsed`);
  return usageReply(r.error, r.usage);
}

/** At least one input per way the parser can refuse. */
const BAD_COMMANDS = [
  'frobnicate',
  'list all',
  'list 0',
  'subscribe',
  'subscribe jira x',
  'subscribe sentry',
  'subscribe sentry --level=error',
  'subscribe bugsee',
  'subscribe sentry acme',
  'subscribe sentry acme/web/x',
  'subscribe sentry */web',
  'subscribe sentry Ac&me/web',
  `subscribe sentry acme/${'p'.repeat(150)}`,
  'subscribe bugsee I<O>S',
  `subscribe bugsee ${'K'.repeat(150)}`,
  'subscribe sentry acme/web nope',
  'subscribe sentry acme/web build',
  'subscribe sentry acme/web --nope=1',
  'subscribe sentry acme/web --severity=high',
  'subscribe sentry acme/web --level=',
  'subscribe sentry acme/web --level=error --level=fatal',
  'subscribe sentry acme/web --level=<!here>',
  'subscribe sentry acme/web seer --level=error',
  'unsubscribe',
  'unsubscribe sentry',
  'unsubscribe sentry acme',
  'unsubscribe sentry acme/web issue',
  'subscribe sentry <!channel>&x',
  'subscribe sentry <https://evil.example|click>/web',
  '<@U123> hi',
];

describe('/threadline help', () => {
  it('is valid mrkdwn with its placeholders escaped', () => {
    const text = helpReply();
    expect(problemsOf(text)).toEqual([]);
    expect(text).toContain('`/threadline subscribe sentry &lt;org&gt;/&lt;project&gt; [kinds…] [--filter=value…]`');
    expect(text).toContain('&lt;app-key&gt;');
    expect(text).not.toMatch(/<(org|project|app-key)>/);
  });
});

describe('usage errors', () => {
  it('every refusal, with the usage, is valid mrkdwn', () => {
    for (const cmd of BAD_COMMANDS) expect(problemsOf(usageFor(cmd)), cmd).toEqual([]);
  });

  it('echo the typed token escaped', () => {
    const text = usageFor('subscribe sentry <!channel>&x');
    expect(text).toContain('&lt;!channel&gt;&amp;x');
    expect(text).not.toContain('<!channel>');
    expect(usageFor('subscribe bugsee I<O>S')).toContain('"I&lt;O&gt;S"');
  });

  it('stay valid whatever is typed', () => {
    const token = fc.oneof(
      fc.constantFrom(
        '<!channel>',
        '<!here>',
        '<@U1>',
        '<#C1>',
        '&',
        '&amp;',
        '<',
        '>',
        '`',
        '*',
        '|',
        '--level=',
        '--env=<x>',
        'sentry',
        'bugsee',
        'acme/web',
        'issue',
        'build',
      ),
      fc.string({ maxLength: 30 }).map((s) => s.replace(/\s/g, '')),
      fc.string({ unit: 'binary', maxLength: 30 }).map((s) => s.replace(/\s/g, '')),
    );
    fc.assert(
      fc.property(fc.constantFrom('subscribe', 'unsubscribe', 'list', 'x'), fc.array(token, { maxLength: 6 }), (verb, words) => {
        const r = parseCommand([verb, ...words].join(' '));
        if (r.ok) return;
        const problems = problemsOf(usageReply(r.error, r.usage));
        if (problems.length) throw new Error(problems.join('; '));
      }),
      { numRuns: 200 },
    );
  });
});

function longSub(i: number, over: Partial<Subscription> = {}): Subscription {
  return {
    id: `s${i}`,
    teamId: 'T1',
    channelId: `C${i % 50}`,
    source: i % 2 ? 'bugsee' : 'sentry',
    target: i % 2 ? `APP${i}${'K'.repeat(90)}` : `acme${i}/${'p'.repeat(90)}`,
    kinds: i % 2 ? ['issue', 'build'] : ['issue', 'error', 'seer'],
    filters:
      i % 2
        ? { severity: 'high', branch: `${'release/'.repeat(20)}*,main` }
        : { level: 'error', env: `${'production-eu-west,'.repeat(12)}staging` },
    createdAt: '2025-01-01T00:00:00.000Z',
    disabled: i % 3 === 0 ? { reason: `channel_not_found <!channel> & ${'x'.repeat(200)}`, at: '2025-01-03T00:00:00.000Z' } : null,
    ...over,
  };
}

describe('/threadline list', () => {
  const subs = Array.from({ length: 120 }, (_, i) => longSub(i));

  it('with 120 long subscriptions: every page is valid, within limits, and says how many it left out', () => {
    const pages = Math.ceil(subs.length / LIST_PAGE_SIZE);
    for (let page = 1; page <= pages; page++) {
      const text = listReply(subs, { page });
      expect(problemsOf(text), `page ${page}`).toEqual([]);
      expect(text.length).toBeLessThanOrEqual(LIMITS.messageText);
      expect(text).toContain('(120)');
    }
    const first = listReply(subs);
    expect(first).toContain('Showing 1–20 of 120; 100 not shown. Next: `/threadline list 2`');
    expect(listReply(subs, { page: pages })).toContain('Showing 101–120 of 120; 100 on earlier pages');
    expect(listReply(subs, { page: pages + 1 })).toContain('There is no page 7');
    // Every subscription is on exactly one page.
    const all = Array.from({ length: pages }, (_, p) => listReply(subs, { page: p + 1 })).join('\n');
    for (const s of subs) expect(all).toContain(s.target.slice(0, 30));
  });

  it('parses a page number', () => {
    expect(parseCommand('list 3')).toEqual({ ok: true, command: { verb: 'list', page: 3 } });
  });

  it('with nothing is valid too', () => {
    expect(problemsOf(listReply([]))).toEqual([]);
  });
});

describe('App Home', () => {
  it('empty: valid, with the placeholders escaped', () => {
    const view = buildHomeView({ subscriptions: [], deliveries: [], deadLetters: [] });
    expect(validateHomeView(view)).toEqual([]);
    expect(JSON.stringify(view)).toContain('&lt;org&gt;/&lt;project&gt;');
  });

  it('full: 120 long subscriptions, hostile errors and a long notice stay valid', () => {
    const subscriptions = [
      ...Array.from({ length: 120 }, (_, i) => longSub(i)),
      // Many disabled ones in one channel: a cut used to fall inside their `<!date^…|…>` tokens.
      ...Array.from({ length: 60 }, (_, i) =>
        longSub(1000 + i, {
          channelId: 'C0BUSY',
          target: `acme/p${i}`,
          filters: {},
          kinds: [],
          source: 'sentry',
          disabled: { reason: 'is_archived', at: `2025-01-0${(i % 9) + 1}T00:00:00.000Z` },
        }),
      ),
      longSub(2000, { channelId: 'C<!here>' }),
    ];
    const hostile = '<!channel> & <@U1> <https://evil.example|x> `a` *b* ' + '<'.repeat(600);
    const deliveries: DeliveryEntry[] = Array.from({ length: 25 }, (_, i) => ({
      at: i % 2 ? '2025-01-02T00:00:00.000Z' : 'not a date <!here>',
      type: `sentry.issue.created<${i}>`,
      channelId: i % 5 ? `C${i}` : '<!channel>',
      status: 'failed',
      error: hostile,
    }));
    const deadLetters: DeadLetter[] = Array.from({ length: 25 }, (_, i) => ({
      id: `dl${i}`,
      source: 'delivery',
      reason: `slack_5xx <!here>`,
      type: `x<${i}>`,
      teamId: 'T1',
      channelId: `C${i}`,
      error: { message: hostile.repeat(10) },
      job: i % 2 ? { eventId: `e${i}` } : undefined,
      createdAt: '2025-01-02T03:04:05.000Z',
    }));
    const view = buildHomeView({ subscriptions, deliveries, deadLetters, notice: `🔁 ${'n'.repeat(5000)}` });
    expect(validateHomeView(view)).toEqual([]);
    const busy = JSON.stringify(view.blocks.find((b) => JSON.stringify(b).includes('C0BUSY')));
    expect(busy).toMatch(/…and \d+ more/);
  });
});
