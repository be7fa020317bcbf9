import { describe, expect, it } from 'vitest';
import { createSentryPlugin } from '../../../src/sources/sentry/plugin.js';
import { MAX_STACK_FRAMES, stackOf } from '../../../src/sources/sentry/normalize-stack.js';
import type { AnyEvent } from '../../../src/events.js';
import { renderReply } from '../../../templates/index.js';
import { validateMessage } from '../../../templates/validate.js';
import { fixture, META } from './fixtures.js';

const plugin = createSentryPlugin({ secrets: ['x'] });

function normalized(name: string, edit?: (json: Record<string, unknown>) => void): AnyEvent {
  const f = fixture(name);
  const json = structuredClone(f.json);
  edit?.(json);
  const parsed = plugin.parse(f.type, json);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return plugin.normalize(f.type, parsed.payload, META) as AnyEvent;
}

const frame = (i: number, inApp: boolean) => ({ filename: `src/f${i}.ts`, function: `fn${i}`, lineno: i, in_app: inApp });

describe('stack traces', () => {
  it('takes the raised exception (the last value), in-app frames only, newest first', () => {
    const e = normalized('error/created.stacktrace.json');
    if (e.type !== 'sentry.error.created') throw new Error(e.type);
    const stack = e.detail.error?.stack;
    expect(stack?.type).toBe('ValueError');
    expect(stack?.frames.map((f) => `${f.file}:${f.line} in ${f.fn}`)).toEqual([
      'billing/invoices.py:88 in validate_total',
      'billing/invoices.py:212 in finalize',
      'billing/service.py:118 in create_invoice',
      'billing/views.py:63 in post',
    ]);
    expect(stack).toMatchObject({ inAppCount: 4, total: 6 });
  });

  it('says so when no frame is in-app', () => {
    const e = normalized('event_alert/triggered.no-in-app.json');
    const reply = renderReply(e, e.state as never);
    expect(JSON.stringify(reply)).toContain('No in-app frame: all 4 frames are from libraries');
  });

  it(`cuts to ${MAX_STACK_FRAMES} frames and says how many more`, () => {
    const frames = Array.from({ length: 40 }, (_, i) => frame(i, i % 2 === 0));
    const stack = stackOf({ values: [{ type: 'E', stacktrace: { frames } }] });
    expect(stack?.frames).toHaveLength(MAX_STACK_FRAMES);
    expect(stack?.frames[0]).toEqual({ file: 'src/f38.ts', line: 38, fn: 'fn38' });
    const e = normalized('error/created.json', (j) => {
      (j.data as { error: Record<string, unknown> }).error.exception = { values: [{ type: 'E', stacktrace: { frames } }] };
    });
    const reply = renderReply(e, e.state as never);
    expect(reply && validateMessage(reply)).toEqual([]);
    expect(JSON.stringify(reply)).toContain('and 12 more in-app frames');
  });

  it('keeps every block within limits for huge paths, names and backticks', () => {
    const long = 'x'.repeat(5000);
    const frames = Array.from({ length: 20 }, () => ({ filename: `${long}/a.ts`, function: '```' + long, lineno: 1, in_app: true }));
    const e = normalized('error/created.json', (j) => {
      (j.data as { error: Record<string, unknown> }).error.exception = { values: [{ type: long, value: long, stacktrace: { frames } }] };
    });
    const reply = renderReply(e, e.state as never);
    expect(reply && validateMessage(reply)).toEqual([]);
    expect(JSON.stringify(reply)).toContain('…xxx');
  });

  it('a malformed exception costs the stack, not the delivery', () => {
    const e = normalized('error/created.json', (j) => {
      (j.data as { error: Record<string, unknown> }).error.exception = { values: 'nope' };
    });
    if (e.type !== 'sentry.error.created') throw new Error(e.type);
    expect(e.detail.error?.stack).toBeUndefined();
  });

  it('no exception: no stack section', () => {
    const e = normalized('error/created.json', (j) => {
      delete (j.data as { error: Record<string, unknown> }).error.exception;
    });
    expect(JSON.stringify(renderReply(e, e.state as never))).not.toContain('Stack trace');
  });
});
