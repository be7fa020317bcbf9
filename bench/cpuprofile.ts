/** Reads a V8 `.cpuprofile` (node --cpu-prof) and lists the functions with the most self time. */

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples?: number[];
}

function label(frame: ProfileNode['callFrame'], root: string): string {
  const fn = frame.functionName || '(anonymous)';
  if (!frame.url) return fn;
  let where = frame.url.replace(/^file:\/\//, '');
  if (where.startsWith(root)) where = path.relative(root, where);
  where = where.replace(/^.*node_modules\//, 'node_modules/');
  return `${fn}  ${where}:${frame.lineNumber + 1}`;
}

export function topSelfTime(file: string, root: string, limit = 15): { fn: string; selfPct: number }[] {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const hits = new Map<number, number>();
  if (profile.samples?.length) {
    for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
  } else {
    for (const n of profile.nodes) hits.set(n.id, n.hitCount ?? 0);
  }
  const byLabel = new Map<string, number>();
  let total = 0;
  for (const n of profile.nodes) {
    const h = hits.get(n.id) ?? 0;
    total += h;
    if (h === 0) continue;
    const key = label(n.callFrame, root);
    byLabel.set(key, (byLabel.get(key) ?? 0) + h);
  }
  return [...byLabel.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([fn, h]) => ({ fn, selfPct: total ? (100 * h) / total : 0 }));
}

export function newestProfile(dir: string): string | undefined {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort();
  return files.length ? path.join(dir, files[files.length - 1] as string) : undefined;
}
