/**
 * The sources, listed once. Everything source-specific sits behind a definition here; the core
 * reads this list (or one the composition root is given, e.g. with a test source added).
 */

import { bugseeSource } from './bugsee/definition.js';
import type { SourceDefinition } from './kit/definition.js';
import { sentrySource } from './sentry/definition.js';

export const SOURCES: readonly SourceDefinition[] = [sentrySource, bugseeSource];

export type { SourceDefinition, SizeSample, ThreadLinkSpec } from './kit/definition.js';

/** The definition named `name`, from `sources`. */
export function sourceNamed(sources: readonly SourceDefinition[], name: string): SourceDefinition | undefined {
  return sources.find((s) => s.name === name);
}
