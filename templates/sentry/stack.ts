/**
 * The stack trace of an error or event-alert reply: the raised exception's top in-app frames,
 * newest first, as `file:line in function` in a code block that stays inside a section's limit.
 */
import type { SentryStack } from '../../src/sources/sentry/subjects.js';
import { clip, codeBlock, isBlank, md, Md, plural } from '../blocks.js';

/** Per frame: a long path keeps its end, where the file name is. */
const MAX_FILE = 120;
const MAX_FN = 80;

function tail(path: string, max: number): string {
  return path.length <= max ? path : `…${path.slice(path.length - max + 1)}`;
}

function frameLine(f: SentryStack['frames'][number]): Md {
  const where = f.line !== undefined ? `${tail(f.file, MAX_FILE)}:${f.line}` : tail(f.file, MAX_FILE);
  return f.fn ? md`${where} in ${clip(f.fn, MAX_FN)}` : md`${where}`;
}

/** Empty when the event carried no stack at all. */
export function stackTrace(stack: SentryStack | undefined): Md {
  if (!stack || stack.total === 0) return Md.of('');
  const head = md`*Stack trace*${isBlank(stack.type) ? '' : md` · ${clip(stack.type, 100)}`}`;
  if (stack.frames.length === 0) {
    return md`${head}\n_No in-app frame: all ${plural(stack.total, 'frame')} are from libraries or the runtime._`;
  }
  const more = stack.inAppCount - stack.frames.length;
  const note = more > 0 ? md`\n_…and ${plural(more, 'more in-app frame')}_` : '';
  return md`${head}\n${codeBlock(stack.frames.map(frameLine))}${note}`;
}
