/**
 * `/threadline` text parser under random input: it never throws, and every answer is either a
 * command or an error with the usage.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCommand, USAGE } from '../../src/slack/command-parse.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);

const WORDS = [
  'subscribe',
  'unsubscribe',
  'list',
  'help',
  'SUBSCRIBE',
  'sentry',
  'bugsee',
  'Sentry',
  'acme/web',
  'acme/*',
  '*/*',
  'acme/',
  '/web',
  'a/b/c',
  'IOS',
  'ios',
  'issue',
  'seer',
  'preprod',
  'feedback',
  'build',
  'error',
  'metric_alert',
  '--level=error',
  '--level=',
  '--level',
  '—level=warning',
  '–env="prod"',
  '--env=“production”',
  '--size-threshold=5',
  '--nope=1',
  '--=',
  '--',
  '=',
  '""',
  '“”',
  '\u0000',
  '\u200b',
  '🙂',
  'ß',
  'İ',
  'x'.repeat(150),
];

const structured = fc
  .array(fc.oneof(fc.constantFrom(...WORDS), fc.string({ maxLength: 12 })), { maxLength: 10 })
  .chain((words) =>
    fc
      .array(fc.constantFrom(' ', '  ', '\t', '\n', '\u00a0', '\u3000'), { minLength: words.length, maxLength: words.length })
      .map((gaps) => words.map((w, i) => `${w}${gaps[i]}`).join('')),
  );

function checkAnswer(text: string) {
  const r = parseCommand(text);
  if (r.ok) {
    expect(['subscribe', 'unsubscribe', 'list', 'help']).toContain(r.command.verb);
    if (r.command.verb === 'subscribe' || r.command.verb === 'unsubscribe') {
      expect(['sentry', 'bugsee']).toContain(r.command.source);
      expect(r.command.target.length).toBeGreaterThan(0);
    }
  } else {
    expect(typeof r.error).toBe('string');
    expect(r.error.length).toBeGreaterThan(0);
    expect(r.usage).toBe(USAGE);
  }
}

describe('parseCommand under fuzzing', () => {
  it('never throws on any string', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.string({ unit: 'binary', maxLength: 200 }),
          fc.string({ unit: 'grapheme', maxLength: 100 }),
        ),
        (text) => {
          checkAnswer(text);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('never throws on command-shaped word salad', () => {
    fc.assert(
      fc.property(structured, (text) => {
        checkAnswer(text);
      }),
      { numRuns: RUNS * 3 },
    );
  });

  it('a valid subscribe survives random spacing and case of the verb', () => {
    fc.assert(
      fc.property(fc.constantFrom(' ', '   ', '\t'), fc.constantFrom('subscribe', 'Subscribe', 'SUBSCRIBE'), (gap, verb) => {
        const r = parseCommand(`${gap}${verb}${gap}sentry${gap}acme/web${gap}issue${gap}`);
        expect(r).toMatchObject({ ok: true, command: { verb: 'subscribe', source: 'sentry', target: 'acme/web', kinds: ['issue'] } });
      }),
      { numRuns: 50 },
    );
  });
});
