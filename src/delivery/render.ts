/**
 * The templates as the delivery uses them, plus the extras a card needs from the store (the size
 * trend of the last builds of the same app and package).
 */

import type { AnyEvent, PipelineEvent } from '../events.js';
import { SOURCES, sourceNamed, type SizeSample, type SourceDefinition } from '../sources/index.js';
import type { KeyValue } from '../store/store.js';
import { createLinkPolicy, renderCard, renderReply, renderStandalone } from '../../templates/index.js';
import type { RenderExtras } from '../../templates/types.js';
import { sizeHistoryDoneKey } from '../store/keys.js';
import type { ChannelExtrasContext } from '../slack/mentions.js';

type Msg = { text: string; blocks?: unknown[] };

export interface Renderer {
  extras(event: PipelineEvent): Promise<RenderExtras>;
  card(event: PipelineEvent, state: Record<string, unknown>, extras: RenderExtras): Msg;
  reply(event: PipelineEvent, state: Record<string, unknown>, extras: RenderExtras): Msg | null;
  standalone(event: PipelineEvent, extras: RenderExtras): Msg;
  /** The extras of one channel (its mentions), given the thread's merged state; unset: `extras` as is. */
  forChannel?(ctx: ChannelExtrasContext, extras: RenderExtras): Promise<RenderExtras>;
  /** Records this event's build size once (idempotent per event), for the trend sparkline. */
  recordSize(event: PipelineEvent): Promise<void>;
}

const HISTORY = 10;

/** The build's size sample, from its source's definition; null when the event carries no size. */
export function sizeSample(event: PipelineEvent, sources: readonly SourceDefinition[] = SOURCES): SizeSample | null {
  return sourceNamed(sources, event.source)?.sizeSample?.(event) ?? null;
}

/**
 * The hosts a message may link to besides the fixed ones: the configured Sentry and Bugsee hosts
 * and the operator's `LINK_HOSTS`. Never a host a payload names.
 */
export function configuredLinkHosts(config: {
  sentry: { url: string };
  bugsee: { apiUrl: string };
  linkHosts: readonly string[];
}): string[] {
  const hostOf = (u: string): string[] => {
    try {
      return [new URL(u).hostname];
    } catch {
      return [];
    }
  };
  return [...hostOf(config.sentry.url), ...hostOf(config.bugsee.apiUrl), ...config.linkHosts];
}

export function createRenderer(deps: {
  store: Pick<KeyValue, 'claim' | 'listCapped' | 'pushCapped'>;
  regressionThresholdPct: number;
  sources?: readonly SourceDefinition[];
  linkHosts?: readonly string[];
  /** Sources whose buttons can act (`SourceDefinition.actionable`); unset: every source. */
  actionable?: readonly string[];
  /** Per-channel extras (mentions, see src/slack/mentions.ts). */
  channelExtras?: (ctx: ChannelExtrasContext) => Promise<Partial<RenderExtras>>;
}): Renderer {
  const { store } = deps;
  const linkAllowed = createLinkPolicy(deps.linkHosts ?? []);
  const sources = deps.sources ?? SOURCES;
  // Templates read the event's own type: the one place a pipeline event is taken as a known one.
  const known = (event: PipelineEvent) => event as AnyEvent;
  const templates = (event: PipelineEvent) => sourceNamed(sources, event.source)?.templates;
  return {
    async extras(event) {
      const extras: RenderExtras = { regressionThresholdPct: deps.regressionThresholdPct, linkAllowed };
      if (deps.actionable) extras.canAct = deps.actionable.includes(event.source);
      const sample = sizeSample(event, sources);
      if (sample) {
        const newestFirst = await store.listCapped<number>(sample.key, HISTORY);
        extras.sizeTrend = [...newestFirst].reverse();
      }
      return extras;
    },
    async forChannel(ctx, extras) {
      return deps.channelExtras ? { ...extras, ...(await deps.channelExtras(ctx)) } : extras;
    },
    card: (event, state, extras) => renderCard(known(event), state as never, extras, templates(event)),
    reply: (event, state, extras) => renderReply(known(event), state as never, extras, templates(event)),
    standalone: (event, extras) => renderStandalone(known(event), extras, templates(event)),
    async recordSize(event) {
      const sample = sizeSample(event, sources);
      if (!sample) return;
      // Once per build, however often its analysis is delivered.
      if (await store.claim(sizeHistoryDoneKey(sample.build), 90 * 24 * 3600)) await store.pushCapped(sample.key, sample.size, HISTORY);
    },
  };
}
