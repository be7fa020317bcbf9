/** The exception's stack, cut to what a Slack reply can show: the top in-app frames, newest first. */

import type { SentryStack } from './subjects.js';
import type { SentryException } from './schema-issue.js';
import { toNumber } from './normalize-common.js';

/** More would crowd the reply; Sentry's own issue page shows the rest. */
export const MAX_STACK_FRAMES = 8;

type Frame = NonNullable<NonNullable<NonNullable<NonNullable<SentryException>['values']>[number]['stacktrace']>['frames']>[number];

/** Blank text counts as absent: Sentry sends `""` for a frame without a module. */
function text(v: string | null | undefined): string | undefined {
  return typeof v === 'string' && v.trim() ? v : undefined;
}

function fileOf(f: Frame): string | undefined {
  return text(f.filename) ?? text(f.module) ?? text(f.abs_path);
}

/**
 * The exception that was raised is the last of `values` (earlier ones are its causes); its
 * frames run oldest first, so the newest (where it was thrown) is last. Undefined when the event
 * carries no frames at all.
 */
export function stackOf(exception: SentryException): SentryStack | undefined {
  const values = exception?.values ?? [];
  const raised = [...values].reverse().find((v) => (v.stacktrace?.frames ?? []).length > 0);
  if (!raised) return undefined;
  const frames = [...(raised.stacktrace?.frames ?? [])].reverse();
  const inApp = frames.filter((f) => f.in_app === true);
  const shown = inApp.slice(0, MAX_STACK_FRAMES).map((f) => {
    const line = toNumber(f.lineno);
    return { file: fileOf(f) ?? '?', ...(line !== undefined ? { line } : {}), ...(text(f.function) ? { fn: text(f.function) } : {}) };
  });
  return {
    ...(text(raised.type) ? { type: text(raised.type) } : {}),
    ...(text(raised.value) ? { value: text(raised.value) } : {}),
    frames: shown,
    inAppCount: inApp.length,
    total: frames.length,
  };
}
