/**
 * Merges a subject-state patch into a thread's state by event time, per dotted path.
 *
 * Events arrive out of order (retries, two sources, Sentry's own delays), so "last applied wins"
 * would let a late, older event roll a field back. Instead every leaf remembers the time of the
 * event that set it, and a patch leaf only wins over values that are not newer than its event.
 * Fields that only the older event knows are still filled in.
 *
 * Leaves are everything that is not a plain object: scalars, `null`, arrays, dates. A leaf written
 * over a subtree wipes the parts of that subtree older than itself (a later `assignee: null` clears
 * an earlier `assignee.name`), and a wipe is remembered so an even older leaf below it stays out.
 * With distinct times the result does not depend on the order patches are applied in.
 *
 * History maps: a top-level key ending in `History` (e.g. `statusHistory`) holds one entry per
 * event, keyed by the event's id, so a redelivery lands on its own entry and a late event slots
 * in by its time. To stay bounded it keeps its `HISTORY_CAP` newest entries (by the time each was
 * merged at; ties by id): an older entry arriving later is merged and dropped again, so the result
 * still does not depend on the order.
 */

type Obj = Record<string, unknown>;

/** Suffix of the top-level keys that are history maps (see above). */
export const HISTORY_SUFFIX = 'History';
/** Entries a history map keeps. */
export const HISTORY_CAP = 20;

export interface MergeResult {
  state: Record<string, unknown>;
  stateTimes: Record<string, string>;
  changed: boolean;
}

export function isPlainObject(value: unknown): value is Obj {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Keys that would reach an object's prototype through `node[key]`. State comes from payloads, so
 * they are skipped wherever a path is walked or written, whatever the data says.
 */
const UNSAFE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export function isSafeKey(key: string): boolean {
  return !UNSAFE_KEYS.has(key);
}

/** Path segments are joined with `.`; a `.` or `\` inside a key is escaped with `\`. */
export function joinPath(segments: readonly string[]): string {
  return segments.map((s) => s.replace(/[\\.]/g, (c) => `\\${c}`)).join('.');
}

/** Every leaf of `value` (skipping `undefined`), as path segments. Empty objects have no leaves. */
export function flattenLeaves(value: Obj, prefix: string[] = []): { path: string[]; value: unknown }[] {
  const out: { path: string[]; value: unknown }[] = [];
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined || !isSafeKey(key)) continue;
    const path = [...prefix, key];
    if (isPlainObject(v)) out.push(...flattenLeaves(v, path));
    else out.push({ path, value: v });
  }
  return out;
}

/** Compares ISO times by instant (so `Z` and `+00:00` agree); falls back to string order. */
export function compareTimes(a: string, b: string): number {
  const ta = Date.parse(a);
  const tb = Date.parse(b);
  if (!Number.isNaN(ta) && !Number.isNaN(tb)) return ta - tb;
  return a < b ? -1 : a > b ? 1 : 0;
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

function setAt(root: Obj, path: string[], value: unknown): void {
  if (!path.every(isSafeKey)) return;
  let node = root;
  for (const seg of path.slice(0, -1)) {
    if (!isPlainObject(node[seg])) node[seg] = {};
    node = node[seg] as Obj;
  }
  node[path[path.length - 1]] = clone(value);
}

/** Drops from `node` (the subtree at `abs`) every value not newer than `time`, untimed ones too. */
function pruneOlder(node: Obj, abs: string[], times: Record<string, string>, time: string): void {
  for (const key of Object.keys(node)) {
    const childAbs = [...abs, key];
    const childTime = times[joinPath(childAbs)];
    if (childTime !== undefined && compareTimes(childTime, time) > 0) continue;
    const child = node[key];
    if (isPlainObject(child)) {
      pruneOlder(child, childAbs, times, time);
      if (Object.keys(child).length === 0) delete node[key];
    } else delete node[key];
  }
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => deepEqual(a[k], b[k]));
  }
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return false;
}

/**
 * Applies `patch` (the state one event knows, at event time `time`) to `state`. Pure: the inputs
 * are not modified. `changed` says whether the state itself changed (not just its times).
 */
export function mergeState(
  state: Record<string, unknown>,
  stateTimes: Record<string, string>,
  patch: Record<string, unknown>,
  time: string,
): MergeResult {
  const next = clone(state ?? {});
  const times: Record<string, string> = { ...(stateTimes ?? {}) };

  for (const leaf of flattenLeaves(patch ?? {})) {
    const key = joinPath(leaf.path);
    // An ancestor (or the path itself) set later than this event: this value is stale.
    let stale = false;
    for (let i = 1; i <= leaf.path.length && !stale; i++) {
      const t = times[joinPath(leaf.path.slice(0, i))];
      if (t !== undefined && compareTimes(time, t) < 0) stale = true;
    }
    if (stale) continue;

    const below = `${key}.`;
    const descendants = Object.keys(times).filter((p) => p.startsWith(below));
    const newer = descendants.filter((p) => compareTimes(times[p], time) > 0);
    if (newer.length === 0) {
      for (const p of descendants) delete times[p];
      setAt(next, leaf.path, leaf.value);
      times[key] = time;
      continue;
    }
    // Parts of the subtree are newer than this leaf: keep them, drop the rest, remember the wipe.
    let node: unknown = next;
    for (const seg of leaf.path) node = isPlainObject(node) ? node[seg] : undefined;
    if (isPlainObject(node)) pruneOlder(node, leaf.path, times, time);
    for (const p of descendants) if (compareTimes(times[p], time) <= 0) delete times[p];
    times[key] = time;
  }

  for (const key of Object.keys(next)) if (key.endsWith(HISTORY_SUFFIX)) capHistory(next, key, times);
  return { state: next, stateTimes: times, changed: !deepEqual(state ?? {}, next) };
}

/** Keeps the `HISTORY_CAP` newest entries of the history map at `next[key]`, and their times only. */
function capHistory(next: Obj, key: string, times: Record<string, string>): void {
  const map = next[key];
  if (!isPlainObject(map) || Object.keys(map).length <= HISTORY_CAP) return;
  const timeOf = (id: string): string => {
    const own = joinPath([key, id]);
    let latest = '';
    for (const [p, t] of Object.entries(times))
      if ((p === own || p.startsWith(`${own}.`)) && (latest === '' || compareTimes(t, latest) > 0)) latest = t;
    return latest;
  };
  const ranked = Object.keys(map)
    .map((id) => ({ id, at: timeOf(id) }))
    .sort((a, b) => compareTimes(b.at, a.at) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  for (const { id } of ranked.slice(HISTORY_CAP)) {
    delete map[id];
    const own = joinPath([key, id]);
    for (const p of Object.keys(times)) if (p === own || p.startsWith(`${own}.`)) delete times[p];
  }
}
