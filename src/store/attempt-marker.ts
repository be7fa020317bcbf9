/**
 * Fenced post attempts. Each run of a delivery job takes a token (an `incr` per job, so a later run
 * has a higher one). Before a post, the run marks the attempt with its token, atomically:
 * - a marker with a higher token means a newer run of the job got here: this run lost its lock and
 *   must stop (`fenced`), whatever it still believes;
 * - a marker with a lower token whose run may still be posting (marked under `liveMs` ago and not
 *   ended) makes this run wait (`busy`): two runs never have one part's post in flight at once;
 * - otherwise the marker becomes this run's, and the older run's marker (if any) says a message may
 *   already be in Slack, for the rerun to look for.
 * The Redis store runs the same rule in Lua (`redis/kv.ts`); `markerDecision` is the SQLite one.
 */

export interface AttemptMarker {
  token: number;
  /** When this run marked it (ms). */
  at: number;
  /** When the part's first attempt was made: a message from any attempt is no older. */
  first: number;
  /** The run ended (it threw) after marking: nothing of it is still in flight. */
  ended: boolean;
}

export type AttemptMark =
  { result: 'marked'; previous: AttemptMarker | null } | { result: 'fenced' } | { result: 'busy'; retryInMs: number };

/** A stored marker, or an earlier version's bare attempt time (no token: older than any run). */
export function readMarker(value: unknown): AttemptMarker | null {
  if (typeof value === 'number' && Number.isFinite(value)) return { token: 0, at: value, first: value, ended: false };
  if (!value || typeof value !== 'object') return null;
  const m = value as Partial<AttemptMarker>;
  if (typeof m.token !== 'number' || typeof m.at !== 'number') return null;
  return { token: m.token, at: m.at, first: typeof m.first === 'number' ? m.first : m.at, ended: m.ended === true };
}

export function markerDecision(
  prev: AttemptMarker | null,
  token: number,
  now: number,
  liveMs: number,
):
  { result: 'fenced' } | { result: 'busy'; retryInMs: number } | { result: 'marked'; previous: AttemptMarker | null; next: AttemptMarker } {
  if (prev && prev.token > token) return { result: 'fenced' };
  const older = prev && prev.token < token ? prev : null;
  if (older && !older.ended && now - older.at < liveMs) return { result: 'busy', retryInMs: Math.max(1, liveMs - (now - older.at)) };
  const first = prev ? Math.min(prev.first, now) : now;
  return { result: 'marked', previous: older, next: { token, at: now, first, ended: false } };
}
