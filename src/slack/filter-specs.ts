/**
 * The `--name=value` filters of `/threadline subscribe`: which source and kinds each applies to,
 * how its value is validated and normalized, and what happens when an event does not carry the
 * fact it tests. The parser, the matcher and the help text all read this one table.
 */

import { z } from 'zod';

export const LEVELS = ['debug', 'info', 'warning', 'error', 'fatal'] as const;
export const SEVERITIES = ['unknown', 'low', 'medium', 'high', 'critical', 'blocker'] as const;

export interface FilterSpec {
  /** Kinds it constrains, per source; a source that is absent cannot use the filter. */
  appliesTo: Readonly<Partial<Record<string, readonly string[]>>>;
  /** Validates the typed value and returns its stored (normalized) form. */
  value: z.ZodType<string, string>;
  example: string;
  /** One line for `help`: what it keeps, then what happens when the event does not say. */
  help: string;
  /** Whether an event that does not carry the fact passes. */
  unknownPasses: boolean;
}

const list = (item: RegExp, what: string) =>
  z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .refine((items) => items.length > 0, { message: `needs at least one ${what}` })
    .refine((items) => items.every((s) => item.test(s) && s.length <= 100), {
      message: `each ${what} must be a single word without spaces`,
    })
    .transform((items) => [...new Set(items)].join(','));

export const FILTER_SPECS = {
  level: {
    appliesTo: { sentry: ['issue', 'error'] },
    value: z
      .string()
      .transform((v) => v.toLowerCase())
      .transform((v) => (v === 'warn' ? 'warning' : v))
      .pipe(z.enum(LEVELS, { error: `must be one of ${LEVELS.join(', ')}` })),
    example: '--level=error',
    help: 'minimum level (debug < info < warning < error < fatal). Events without a level are hidden.',
    unknownPasses: false,
  },
  env: {
    appliesTo: { sentry: ['issue', 'error', 'alert'] },
    value: list(/^[^\s,]+$/, 'environment'),
    example: '--env=production,staging',
    help: 'only these environments (comma list). Events that name no environment, such as issue status changes, still post.',
    unknownPasses: true,
  },
  'size-threshold': {
    appliesTo: { sentry: ['preprod'], bugsee: ['build'] },
    value: z
      .string()
      .trim()
      .transform((v) => v.replace(/%$/, ''))
      .refine((v) => /^\d+(\.\d+)?$/.test(v), { message: 'must be a percentage of 0 or more, e.g. 5 or 2.5' })
      .transform((v) => String(Number(v))),
    example: '--size-threshold=5',
    help: 'size analyses post only when the app grew by at least this many percent. Builds with no size comparison (just registered, distribution, first build) still post.',
    unknownPasses: true,
  },
  severity: {
    appliesTo: { bugsee: ['issue'] },
    value: z
      .string()
      .transform((v) => v.toLowerCase())
      .pipe(z.enum(['low', 'medium', 'high', 'critical', 'blocker'], { error: 'must be one of low, medium, high, critical, blocker' })),
    example: '--severity=high',
    help: 'minimum severity (low < medium < high < critical < blocker). Issues of unknown severity are hidden.',
    unknownPasses: false,
  },
  branch: {
    appliesTo: { sentry: ['preprod'], bugsee: ['build'] },
    value: list(/^[^\s,]+$/, 'branch'),
    example: '--branch=main,release/*',
    help: 'only builds from these branches (comma list, `*` matches anything). Builds that name no branch are hidden.',
    unknownPasses: false,
  },
} as const satisfies Record<string, FilterSpec>;

export type FilterName = keyof typeof FILTER_SPECS;
export const FILTER_NAMES = Object.keys(FILTER_SPECS) as FilterName[];

export function isFilterName(name: string): name is FilterName {
  return Object.hasOwn(FILTER_SPECS, name);
}

export function filterKinds(name: FilterName, source: string): readonly string[] {
  const spec: FilterSpec = FILTER_SPECS[name];
  return spec.appliesTo[source] ?? [];
}

/** The sources a filter applies to, by name. */
export function filterSources(name: FilterName): string[] {
  const spec: FilterSpec = FILTER_SPECS[name];
  return Object.keys(spec.appliesTo);
}
