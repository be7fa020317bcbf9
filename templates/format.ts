/** The small formatters every template shares: numbers, sizes, dates, lists. */

import { MINUS, clip, esc, firstText, isBlank, Md, toMd, type MdPart } from './mrkdwn.js';

// ---------------------------------------------------------------------------------------------
// Numbers, sizes, dates, lists
// ---------------------------------------------------------------------------------------------

/** 1234 → "1.2k", 12345 → "12k", 1_500_000 → "1.5M". */
export function shortNumber(n: number): string {
  if (!Number.isFinite(n)) return '—';
  const sign = n < 0 ? MINUS : '';
  const a = Math.abs(n);
  const units: [number, string][] = [
    [1e9, 'B'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [size, suffix] of units) {
    if (a >= size) {
      const v = a / size;
      const s = v >= 10 ? String(Math.round(v)) : v.toFixed(1).replace(/\.0$/, '');
      // 999_950 rounds to "1000k": promote to the next unit.
      if (s === '1000' && suffix !== 'B') return sign + (suffix === 'k' ? '1M' : '1B');
      return sign + s + suffix;
    }
  }
  return sign + String(Math.round(a));
}

const BYTE_UNITS = ['B', 'kB', 'MB', 'GB', 'TB'];

/** Bytes in SI units (base 1000, as app stores show sizes): 27_500_000 → "27.5 MB". */
export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  const sign = n < 0 ? MINUS : '';
  let a = Math.abs(n);
  let i = 0;
  while (a >= 1000 && i < BYTE_UNITS.length - 1) {
    a /= 1000;
    i++;
  }
  if (i === 0) return `${sign}${Math.round(a)} B`;
  let s = a >= 100 ? String(Math.round(a)) : a.toFixed(1);
  if (s === '1000' && i < BYTE_UNITS.length - 1) {
    s = '1.0';
    i++;
  }
  return `${sign}${s} ${BYTE_UNITS[i]}`;
}

/** "+1.0 MB", "−512 B", "±0 B". */
export function signedBytes(delta: number | null | undefined): string {
  if (delta === null || delta === undefined || !Number.isFinite(delta)) return '—';
  if (delta === 0) return '±0 B';
  return (delta > 0 ? '+' : '') + formatBytes(delta);
}

/** "+3.0%", "−1.2%", "±0%". */
export function signedPct(pct: number | null | undefined): string {
  if (pct === null || pct === undefined || !Number.isFinite(pct)) return '—';
  // Rounded by magnitude, so −1.25 and +1.25 both show 1.3.
  const r = Math.round(Math.abs(pct) * 10) / 10;
  if (r === 0) return '±0%';
  return (pct > 0 ? '+' : MINUS) + r.toFixed(1) + '%';
}

/** Percent change from base to head; undefined without a positive base. */
export function pctChange(base: number | null | undefined, head: number | null | undefined): number | undefined {
  if (base === null || base === undefined || head === null || head === undefined) return undefined;
  if (!Number.isFinite(base) || !Number.isFinite(head) || base <= 0) return undefined;
  return ((head - base) / base) * 100;
}

function fallbackDate(d: Date): string {
  return d.toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}

/** A Slack date token, shown in each reader's time zone; the fallback is UTC. */
export function slackDate(iso: string | null | undefined, format = '{date_short_pretty} {time}'): Md {
  if (isBlank(iso)) return Md.of('');
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return clip(iso, 40);
  const unix = Math.floor(d.getTime() / 1000);
  // Slack's token takes only non-negative seconds; older dates are shown as plain text.
  if (unix < 0) return esc(fallbackDate(d));
  return Md.of(`<!date^${unix}^${format}|${esc(fallbackDate(d)).value}>`);
}

/** "a", "a and b", "a, b and c", "a, b, c and 3 more". */
export function shortList(items: MdPart[], max = 3): Md {
  const kept = items.map(toMd).filter((m) => m.value.trim() !== '');
  if (kept.length === 0) return Md.of('');
  const shown = kept.slice(0, kept.length > max ? max : kept.length);
  const rest = kept.length - shown.length;
  const parts = shown.map((m) => m.value);
  if (rest > 0) return Md.of(`${parts.join(', ')} and ${rest} more`);
  if (parts.length === 1) return Md.of(parts[0]);
  return Md.of(`${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`);
}

export function plural(n: number, one: string, many = one + 's'): string {
  return `${shortNumber(n)} ${n === 1 ? one : many}`;
}

const SPARKS = '▁▂▃▄▅▆▇█';

/** A sparkline of the finite values, lowest ▁ to highest █; a flat series sits at ▄. */
export function sparkline(values: readonly number[]): string {
  const v = values.filter((x) => Number.isFinite(x));
  if (v.length === 0) return '';
  const min = Math.min(...v);
  const max = Math.max(...v);
  if (max === min) return SPARKS[3].repeat(v.length);
  return v.map((x) => SPARKS[Math.round(((x - min) / (max - min)) * (SPARKS.length - 1))]).join('');
}

/** "Jane" from an actor-ish value, or undefined. */
export function personName(p: { name?: string | null; email?: string | null } | null | undefined): string | undefined {
  return firstText(p?.name, p?.email);
}

/** A short git sha. */
export function shortSha(sha: string | null | undefined): string | undefined {
  return isBlank(sha) ? undefined : sha.trim().slice(0, 7);
}

/** "SOME_CODE" → "Some code". */
export function humanize(raw: string | null | undefined): string {
  if (isBlank(raw)) return '';
  const s = raw.replace(/[_-]+/g, ' ').trim().toLowerCase();
  return s.charAt(0).toUpperCase() + s.slice(1);
}
