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

/** Where a frame's code lives: an npm package, one of our files, Node itself, or V8. */
function moduleOf(frame: ProfileNode['callFrame'], root: string): string {
  const url = frame.url.replace(/^file:\/\//, '');
  if (!url) return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  if (url.startsWith('node:')) return 'node (core)';
  return url.startsWith(root) ? path.relative(root, url) : url;
}

export interface HotSpots {
  functions: { fn: string; selfPct: number }[];
  modules: { fn: string; selfPct: number }[];
}

export function topSelfTime(file: string, root: string, limit = 15): HotSpots {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const hits = new Map<number, number>();
  if (profile.samples?.length) {
    for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
  } else {
    for (const n of profile.nodes) hits.set(n.id, n.hitCount ?? 0);
  }
  const byLabel = new Map<string, number>();
  const byModule = new Map<string, number>();
  let total = 0;
  for (const n of profile.nodes) {
    const h = hits.get(n.id) ?? 0;
    if (h === 0 || n.callFrame.functionName === '(idle)') continue;
    total += h;
    const key = label(n.callFrame, root);
    byLabel.set(key, (byLabel.get(key) ?? 0) + h);
    const mod = moduleOf(n.callFrame, root);
    byModule.set(mod, (byModule.get(mod) ?? 0) + h);
  }
  const top = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([fn, h]) => ({ fn, selfPct: total ? (100 * h) / total : 0 }));
  return { functions: top(byLabel), modules: top(byModule) };
}

export function newestProfile(dir: string): string | undefined {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .sort();
  return files.length ? path.join(dir, files[files.length - 1]) : undefined;
}
