import { describe, expect, it } from 'vitest';
import { BUGSEE_KINDS } from '../../src/sources/bugsee/events.js';
import { SENTRY_KINDS } from '../../src/sources/sentry/events.js';
import { parseCommand, USAGE, type Command } from '../../src/slack/command-parse.js';

function ok(text: string): Command {
  const r = parseCommand(text);
  if (!r.ok) throw new Error(`expected ${JSON.stringify(text)} to parse, got: ${r.error}`);
  return r.command;
}

function err(text: string): string {
  const r = parseCommand(text);
  if (r.ok) throw new Error(`expected ${JSON.stringify(text)} to fail, got ${JSON.stringify(r.command)}`);
  expect(r.usage).toBe(USAGE);
  return r.error;
}

describe('parseCommand: verbs', () => {
  it('empty text and help give help', () => {
    expect(ok('')).toEqual({ verb: 'help' });
    expect(ok('   ')).toEqual({ verb: 'help' });
    expect(ok('help')).toEqual({ verb: 'help' });
    expect(ok('HELP')).toEqual({ verb: 'help' });
  });

  it('list', () => {
    expect(ok('list')).toEqual({ verb: 'list' });
    expect(err('list all')).toContain('"all"');
  });

  it('subscribe sentry org/project with no kinds means every kind', () => {
    expect(ok('subscribe sentry acme/web')).toEqual({
      verb: 'subscribe',
      source: 'sentry',
      target: 'acme/web',
      kinds: [],
      filters: {},
    });
  });

  it('subscribe sentry org/* and lowercases slugs', () => {
    expect(ok('subscribe sentry Acme/*')).toMatchObject({ target: 'acme/*' });
    expect(ok('Subscribe SENTRY My_Org/web-app')).toMatchObject({ source: 'sentry', target: 'my_org/web-app' });
  });

  it('subscribe sentry with kinds keeps them in canonical order without repeats', () => {
    expect(ok('subscribe sentry acme/web preprod issue seer issue')).toMatchObject({ kinds: ['issue', 'seer', 'preprod'] });
    expect(ok(`subscribe sentry acme/web ${SENTRY_KINDS.join(' ')}`)).toMatchObject({ kinds: [...SENTRY_KINDS] });
  });

  it('subscribe bugsee keeps the app key case', () => {
    expect(ok('subscribe bugsee IOS issue feedback build')).toEqual({
      verb: 'subscribe',
      source: 'bugsee',
      target: 'IOS',
      kinds: ['issue', 'feedback', 'build'],
      filters: {},
    });
    expect(ok(`subscribe bugsee android-beta ${BUGSEE_KINDS.join(' ')}`)).toMatchObject({
      target: 'android-beta',
      kinds: [...BUGSEE_KINDS],
    });
  });

  it('subscribe bugsee * takes every app, and is how user events (which name no app) are received', () => {
    expect(ok('subscribe bugsee * user app')).toMatchObject({ verb: 'subscribe', source: 'bugsee', target: '*', kinds: ['app', 'user'] });
    expect(ok('unsubscribe bugsee *')).toMatchObject({ verb: 'unsubscribe', source: 'bugsee', target: '*' });
  });

  it('unsubscribe', () => {
    expect(ok('unsubscribe sentry acme/web')).toEqual({ verb: 'unsubscribe', source: 'sentry', target: 'acme/web' });
    expect(ok('unsubscribe sentry acme/*')).toEqual({ verb: 'unsubscribe', source: 'sentry', target: 'acme/*' });
    expect(ok('unsubscribe bugsee IOS')).toEqual({ verb: 'unsubscribe', source: 'bugsee', target: 'IOS' });
    expect(err('unsubscribe sentry acme/web issue')).toContain('"issue"');
  });

  it('tolerates extra whitespace, non-breaking spaces and phone dashes', () => {
    expect(ok('  subscribe\u00a0 sentry   acme/web\tissue  —level=error ')).toMatchObject({
      kinds: ['issue'],
      filters: { level: 'error' },
    });
    expect(ok('subscribe sentry acme/web –env=“production”')).toMatchObject({ filters: { env: 'production' } });
  });
});

describe('parseCommand: filters', () => {
  it('--level (any case, warn alias) for Sentry issue/error', () => {
    for (const level of ['fatal', 'error', 'warning', 'info', 'debug']) {
      expect(ok(`subscribe sentry acme/web --level=${level}`)).toMatchObject({ filters: { level } });
    }
    expect(ok('subscribe sentry acme/web issue --level=ERROR')).toMatchObject({ filters: { level: 'error' } });
    expect(ok('subscribe sentry acme/web --level=warn')).toMatchObject({ filters: { level: 'warning' } });
  });

  it('--env takes a comma list, trimmed and without repeats', () => {
    expect(ok('subscribe sentry acme/web --env=production,staging,production,')).toMatchObject({
      filters: { env: 'production,staging' },
    });
    expect(ok('subscribe sentry acme/web alert --env=prod')).toMatchObject({ filters: { env: 'prod' } });
  });

  it('--size-threshold for Sentry preprod and Bugsee build, normalized', () => {
    expect(ok('subscribe sentry acme/web preprod --size-threshold=5')).toMatchObject({ filters: { 'size-threshold': '5' } });
    expect(ok('subscribe bugsee IOS build --size-threshold=2.50')).toMatchObject({ filters: { 'size-threshold': '2.5' } });
    expect(ok('subscribe bugsee IOS --size-threshold=0')).toMatchObject({ filters: { 'size-threshold': '0' } });
    expect(ok('subscribe bugsee IOS --size-threshold=10%')).toMatchObject({ filters: { 'size-threshold': '10' } });
  });

  it('--severity for Bugsee issues', () => {
    for (const s of ['low', 'medium', 'high', 'critical', 'blocker']) {
      expect(ok(`subscribe bugsee IOS issue --severity=${s}`)).toMatchObject({ filters: { severity: s } });
    }
    expect(ok('subscribe bugsee IOS --severity=High')).toMatchObject({ filters: { severity: 'high' } });
  });

  it('--branch for builds, with globs', () => {
    expect(ok('subscribe bugsee IOS build --branch=main,release/*')).toMatchObject({ filters: { branch: 'main,release/*' } });
    expect(ok('subscribe sentry acme/web preprod --branch=main')).toMatchObject({ filters: { branch: 'main' } });
  });

  it('several filters together, before or after kinds', () => {
    expect(ok('subscribe sentry acme/web issue error --level=error --env=production')).toEqual({
      verb: 'subscribe',
      source: 'sentry',
      target: 'acme/web',
      kinds: ['issue', 'error'],
      filters: { level: 'error', env: 'production' },
    });
    expect(ok('subscribe bugsee IOS --severity=high issue build --branch=main --size-threshold=3')).toMatchObject({
      kinds: ['issue', 'build'],
      filters: { severity: 'high', branch: 'main', 'size-threshold': '3' },
    });
  });
});

describe('parseCommand: errors name the offending word', () => {
  it('unknown verb', () => {
    expect(err('subscrbe sentry acme/web')).toMatch(/Unknown command "subscrbe"/);
  });

  it('missing or unknown source', () => {
    expect(err('subscribe')).toMatch(/needs a source/);
    expect(err('subscribe gitlab acme/web')).toMatch(/"gitlab" is not a source/);
    expect(err('subscribe acme/web')).toMatch(/"acme\/web" is not a source/);
    expect(err('unsubscribe')).toMatch(/needs a source/);
  });

  it('missing target', () => {
    expect(err('subscribe sentry')).toMatch(/needs a project: <org>\/<project>/);
    expect(err('subscribe bugsee')).toMatch(/needs an app key/);
    expect(err('subscribe sentry --level=error')).toMatch(/needs a project/);
    expect(err('unsubscribe bugsee')).toMatch(/needs an app key/);
  });

  it('bad Sentry targets', () => {
    expect(err('subscribe sentry acme')).toMatch(/"acme" must be <org>\/<project>/);
    expect(err('subscribe sentry acme/web/x')).toMatch(/"acme\/web\/x" must be <org>\/<project>/);
    expect(err('subscribe sentry acme/')).toMatch(/"acme\/" project "" is empty/);
    expect(err('subscribe sentry /web')).toMatch(/"\/web" org "" is empty/);
    expect(err('subscribe sentry */web')).toMatch(/"\*\/web".*only stand for the project/);
    expect(err('subscribe sentry */*')).toMatch(/only stand for the project/);
    expect(err('subscribe sentry ac.me/web')).toMatch(/org "ac.me" may only contain/);
    expect(err('subscribe sentry acme/w!b')).toMatch(/project "w!b" may only contain/);
    expect(err(`subscribe sentry acme/${'a'.repeat(101)}`)).toMatch(/too long/);
    expect(err('unsubscribe sentry acme')).toMatch(/"acme" must be <org>\/<project>/);
  });

  it('bad Bugsee app key', () => {
    expect(err('subscribe bugsee acme/web')).toMatch(/"acme\/web" must be a Bugsee app key/);
    expect(err('unsubscribe bugsee <IOS>')).toMatch(/"<IOS>" must be a Bugsee app key/);
  });

  it('unknown kinds, with a hint when it belongs to the other source', () => {
    expect(err('subscribe sentry acme/web crash')).toMatch(/"crash" is not a Sentry kind\. Sentry kinds: issue, error/);
    expect(err('subscribe sentry acme/web feedback')).toMatch(/"feedback" is not a Sentry kind \(it is a Bugsee kind\)/);
    expect(err('subscribe bugsee IOS seer')).toMatch(/"seer" is not a Bugsee kind \(it is a Sentry kind\)/);
  });

  it('unknown filter', () => {
    expect(err('subscribe sentry acme/web --priority=high')).toMatch(/Unknown filter "--priority"/);
  });

  it('filter without a value', () => {
    expect(err('subscribe sentry acme/web --level')).toMatch(/"--level" needs a value, e\.g\. --level=error/);
    expect(err('subscribe sentry acme/web --level=')).toMatch(/"--level" needs a value/);
  });

  it('malformed values', () => {
    expect(err('subscribe sentry acme/web --level=loud')).toMatch(
      /"--level=loud": level must be one of debug, info, warning, error, fatal/,
    );
    expect(err('subscribe bugsee IOS --severity=unknown')).toMatch(/"--severity=unknown": severity must be one of low/);
    expect(err('subscribe bugsee IOS --severity=urgent')).toMatch(/"--severity=urgent"/);
    expect(err('subscribe bugsee IOS --size-threshold=-1')).toMatch(/"--size-threshold=-1": size-threshold must be a percentage/);
    expect(err('subscribe bugsee IOS --size-threshold=five')).toMatch(/"--size-threshold=five"/);
    expect(err('subscribe sentry acme/web --env=,,')).toMatch(/"--env=,,": env needs at least one environment/);
    expect(err('subscribe bugsee IOS --branch=,')).toMatch(/"--branch=,": branch needs at least one branch/);
  });

  it('filters of the other source', () => {
    expect(err('subscribe sentry acme/web --severity=high')).toMatch(/"--severity" is a Bugsee filter; it does not apply to Sentry/);
    expect(err('subscribe bugsee IOS --level=error')).toMatch(/"--level" is a Sentry filter; it does not apply to Bugsee/);
    expect(err('subscribe bugsee IOS --env=production')).toMatch(/"--env" is a Sentry filter/);
  });

  it('a filter that none of the chosen kinds uses', () => {
    expect(err('subscribe sentry acme/web comment --level=error')).toMatch(
      /"--level" only filters issue, error, and this subscription is for comment/,
    );
    expect(err('subscribe bugsee IOS feedback --severity=high')).toMatch(/"--severity" only filters issue/);
    expect(err('subscribe sentry acme/web issue --size-threshold=5')).toMatch(/"--size-threshold" only filters preprod/);
    expect(err('subscribe bugsee IOS issue --branch=main')).toMatch(/"--branch" only filters build/);
    expect(err('subscribe sentry acme/web seer --env=production')).toMatch(/"--env" only filters issue, error, alert/);
  });

  it('the same filter twice', () => {
    expect(err('subscribe sentry acme/web --level=error --level=fatal')).toMatch(/"--level" is given twice/);
  });

  it('usage lists every verb and kind', () => {
    for (const word of ['subscribe sentry', 'subscribe bugsee', 'unsubscribe', 'list', 'help', ...SENTRY_KINDS, ...BUGSEE_KINDS]) {
      expect(USAGE).toContain(word);
    }
  });
});
