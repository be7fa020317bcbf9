/**
 * Does an event pass a subscription's filters? Pure; the router calls it for every
 * (event, subscription) pair. A filter only constrains the kinds it applies to (see
 * `FILTER_SPECS`); a filter name this version does not know is ignored rather than dropping
 * everything, so a newer deployment's subscriptions keep working after a rollback.
 */

import type { FilterFacts } from '../events.js';
import { FILTER_SPECS, LEVELS, SEVERITIES, isFilterName, type FilterName, type FilterSpec } from './filter-specs.js';

function kindsOf(name: FilterName): Set<string> {
  const spec: FilterSpec = FILTER_SPECS[name];
  return new Set([...(spec.appliesTo.sentry ?? []), ...(spec.appliesTo.bugsee ?? [])]);
}

const KINDS_OF = new Map(Object.keys(FILTER_SPECS).map((n) => [n, kindsOf(n as FilterName)]));

function rank(order: readonly string[], value: string): number {
  const v = value.toLowerCase();
  return order.indexOf(v === 'warn' ? 'warning' : v);
}

function atLeast(order: readonly string[], actual: string | undefined, minimum: string): boolean | undefined {
  if (actual === undefined || actual === '') return undefined;
  const a = rank(order, actual);
  const m = rank(order, minimum);
  if (m < 0) return true; // a stored minimum we cannot read constrains nothing
  return a >= 0 && a >= m;
}

function listed(list: string, actual: string | undefined, caseInsensitive: boolean): boolean | undefined {
  if (actual === undefined || actual === '') return undefined;
  const norm = (s: string) => (caseInsensitive ? s.toLowerCase() : s);
  return list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .some((pattern) => globToRegExp(norm(pattern)).test(norm(actual)));
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`);
}

function sizeAtLeast(threshold: string, delta: number | undefined): boolean | undefined {
  if (delta === undefined || delta === null || !Number.isFinite(delta)) return undefined;
  const t = Number(threshold);
  if (!Number.isFinite(t)) return true;
  return delta >= t;
}

/** `undefined` means the event does not carry the fact the filter tests. */
function test(name: FilterName, value: string, facts: FilterFacts): boolean | undefined {
  switch (name) {
    case 'level':
      return atLeast(LEVELS, facts.level, value);
    case 'severity':
      return atLeast(SEVERITIES, facts.severity, value);
    case 'env':
      return listed(value, facts.environment, true);
    case 'branch':
      return listed(value, facts.branch, false);
    case 'size-threshold':
      return sizeAtLeast(value, facts.sizeDeltaPct);
  }
}

export function matchesFilters(filters: Record<string, string>, facts: FilterFacts, kind: string): boolean {
  for (const [name, value] of Object.entries(filters)) {
    if (!isFilterName(name)) continue;
    if (!KINDS_OF.get(name)?.has(kind)) continue;
    const result = test(name, value, facts);
    if (result === undefined ? !FILTER_SPECS[name].unknownPasses : !result) return false;
  }
  return true;
}
