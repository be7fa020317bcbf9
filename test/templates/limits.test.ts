/**
 * Every template, on every sample and on hostile variations of them, yields messages within
 * Slack's limits in which no payload text can ping, link or break out of its formatting.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AnyEvent } from '../../src/events.js';
import { DEFAULT_LINK_POLICY, renderCard, renderReply, renderStandalone } from '../../templates/index.js';
import type { SlackMessage } from '../../templates/types.js';
import { validateMessage } from '../../templates/validate.js';
import { SAMPLES, type Sample } from './samples.js';

type Path = (string | number)[];

/** Keys that pick the template or the branch of a union: not payload text. */
const STRUCTURAL = new Set(['id', 'type', 'source', 'kind', 'threadKey', 'stage', 'phase', 'direction']);

interface Leaf {
  path: Path;
  value: unknown;
}

function leavesOf(value: unknown, path: Path = [], out: Leaf[] = []): Leaf[] {
  const key = path[path.length - 1];
  if (
    typeof key === 'string' &&
    STRUCTURAL.has(key) &&
    (path.length === 2 || path[path.length - 2] === 'detail' || path[path.length - 2] === 'subject')
  )
    return out;
  if (path.length > 1) out.push({ path, value });
  if (Array.isArray(value)) value.forEach((v, i) => leavesOf(v, [...path, i], out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) leavesOf(v, [...path, k], out);
  return out;
}

function setAt(root: Record<string, unknown>, path: Path, value: unknown): void {
  let node: unknown = root;
  for (const k of path.slice(0, -1)) {
    if (!node || typeof node !== 'object') return;
    node = (node as Record<string | number, unknown>)[k];
  }
  if (node && typeof node === 'object') (node as Record<string | number, unknown>)[path[path.length - 1]] = value;
}

const SPECIAL = [
  '<!channel>',
  '<!here>',
  '<!everyone>',
  '<@U123ABC>',
  '<#C123>',
  '<!subteam^S1>',
  '<https://evil.example|click>',
  '&',
  '&amp;',
  '&lt;',
  '<',
  '>',
  '*',
  '_',
  '~',
  '`',
  '```',
  '|',
  '\n',
  '\n> ',
  ' ',
  'https://evil.example/a|b>c',
  'javascript:alert(1)',
  '😀',
  '👩‍👩‍👧',
  '🏳️‍🌈',
  '漢字テキスト',
  'مرحبا بالعالم',
  '\u202Eevil\u202C',
  '\u0000',
  '\uD800',
  '\u200B',
];

const specialText = fc.array(fc.constantFrom(...SPECIAL), { maxLength: 40 }).map((a) => a.join(''));
const huge = fc
  .tuple(fc.array(fc.constantFrom(...SPECIAL), { minLength: 1, maxLength: 6 }), fc.integer({ min: 3000, max: 5000 }))
  .map(([parts, len]) => {
    const unit = parts.join('') || 'x';
    return unit.repeat(Math.ceil(len / unit.length)).slice(0, len);
  });
const hostileString = fc.oneof(
  { weight: 3, arbitrary: specialText },
  { weight: 2, arbitrary: fc.string({ maxLength: 60 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 300 }) },
  { weight: 2, arbitrary: huge },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', '\n\n') },
);
const hostileNumber = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(0, -1, 1e18, Number.NaN, Number.POSITIVE_INFINITY));

interface Mutation {
  /** Replace every string leaf (cycling through these) … */
  everyString: string[] | null;
  /** … and these leaves (index modulo the leaf count), each with a value of its own kind. */
  edits: { at: number; str: string; num: number; bool: boolean; blank: 0 | 1 | 2 }[];
  /** Arrays to blow up to this many copies of their first element. */
  grow: { at: number; to: number }[];
}

const mutation: fc.Arbitrary<Mutation> = fc.record({
  everyString: fc.option(fc.array(hostileString, { minLength: 1, maxLength: 4 }), { freq: 2 }),
  edits: fc.array(
    fc.record({
      at: fc.nat(),
      str: hostileString,
      num: hostileNumber,
      bool: fc.boolean(),
      blank: fc.constantFrom(0 as const, 1 as const, 2 as const),
    }),
    { maxLength: 12 },
  ),
  grow: fc.array(fc.record({ at: fc.nat(), to: fc.integer({ min: 0, max: 70 }) }), { maxLength: 3 }),
});

/**
 * Where null and undefined are allowed, as the types allow them: scalar fields inside state,
 * detail, routing, the actor and extras; whole top-level state fields (states are partial); the
 * actor itself. Never an array element, the containers themselves or the threshold.
 */
function mayBeBlank(path: Path, value: unknown): boolean {
  if (typeof path[path.length - 1] === 'number') return false;
  if (path[0] === 'extras' && path[1] === 'regressionThresholdPct') return false;
  if (path.length === 2 && path[0] === 'event') return path[1] === 'actor';
  const inState = (path[0] === 'state' && path.length === 2) || (path[0] === 'event' && path[1] === 'state' && path.length === 3);
  if (value !== null && typeof value === 'object') return inState;
  return ['state', 'detail', 'routing', 'actor', 'extras'].some((k) => path.includes(k));
}

function mutate(sample: Sample, m: Mutation): Sample {
  const root = structuredClone({ event: sample.event, state: sample.state, extras: sample.extras }) as unknown as Record<string, unknown>;
  const all = leavesOf(root);
  if (m.everyString) {
    let i = 0;
    for (const leaf of all) if (typeof leaf.value === 'string') setAt(root, leaf.path, m.everyString[i++ % m.everyString.length]);
  }
  const arrays = all.filter((l) => Array.isArray(l.value) && (l.value as unknown[]).length > 0);
  for (const g of m.grow) {
    if (arrays.length === 0) break;
    const leaf = arrays[g.at % arrays.length];
    const first = (leaf.value as unknown[])[0];
    setAt(
      root,
      leaf.path,
      Array.from({ length: g.to }, () => structuredClone(first)),
    );
  }
  const current = leavesOf(root);
  for (const e of m.edits) {
    if (current.length === 0) break;
    const leaf = current[e.at % current.length];
    if (e.blank && mayBeBlank(leaf.path, leaf.value)) setAt(root, leaf.path, e.blank === 1 ? null : undefined);
    else if (typeof leaf.value === 'string') setAt(root, leaf.path, e.str);
    else if (typeof leaf.value === 'number') setAt(root, leaf.path, e.num);
    else if (typeof leaf.value === 'boolean') setAt(root, leaf.path, e.bool);
  }
  return { ...sample, ...(root as Pick<Sample, 'event' | 'state' | 'extras'>) };
}

function renderAll(sample: Sample): SlackMessage[] {
  const event = sample.event as AnyEvent;
  const extras = {
    ...sample.extras,
    regressionThresholdPct: Number.isFinite(sample.extras?.regressionThresholdPct) ? sample.extras.regressionThresholdPct : 5,
  };
  if (event.threadKey === null) return [renderStandalone(event, extras)];
  const reply = renderReply(event, sample.state as never, extras);
  return [renderCard(event, sample.state as never, extras), ...(reply ? [reply] : [])];
}

describe('every sample is within the limits', () => {
  for (const sample of SAMPLES) {
    it(sample.name, () => {
      for (const msg of renderAll(sample)) expect(validateMessage(msg, { linkAllowed: DEFAULT_LINK_POLICY })).toEqual([]);
    });
  }
});

describe('hostile payloads stay within the limits and never ping', () => {
  const bySubject = new Map<string, Sample[]>();
  for (const s of SAMPLES) bySubject.set(s.event.subject.kind, [...(bySubject.get(s.event.subject.kind) ?? []), s]);

  for (const [subject, samples] of bySubject) {
    it(subject, () => {
      fc.assert(
        fc.property(fc.constantFrom(...samples), mutation, (sample, m) => {
          const hostile = mutate(sample, m);
          for (const msg of renderAll(hostile)) {
            const problems = validateMessage(msg, { linkAllowed: DEFAULT_LINK_POLICY });
            if (problems.length) throw new Error(`${sample.name}: ${problems.slice(0, 5).join('; ')}`);
          }
        }),
        { numRuns: Number(process.env.TEMPLATES_FC_RUNS ?? 200) },
      );
    });
  }
});
