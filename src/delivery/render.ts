/**
 * The templates as the delivery uses them, plus the extras a card needs from the store (the size
 * trend of the last builds of the same app and package).
 */

import type { AnyEvent } from '../events.js';
import type { Store } from '../store/store.js';
import { createLinkPolicy, renderCard, renderReply, renderStandalone } from '../../templates/index.js';
import type { RenderExtras } from '../../templates/types.js';

type Msg = { text: string; blocks?: unknown[] };

export interface Renderer {
  extras(event: AnyEvent): Promise<RenderExtras>;
  card(event: AnyEvent, state: Record<string, unknown>, extras: RenderExtras): Msg;
  reply(event: AnyEvent, state: Record<string, unknown>, extras: RenderExtras): Msg | null;
  standalone(event: AnyEvent, extras: RenderExtras): Msg;
  /** Records this event's build size once (idempotent per event), for the trend sparkline. */
  recordSize(event: AnyEvent): Promise<void>;
}

const HISTORY = 10;

/** The history key, build identity and download size of a build event, or null when it carries no size. */
export function sizeSample(event: AnyEvent): { key: string; build: string; size: number } | null {
  if (event.type === 'bugsee.build.created') {
    const s = event.state;
    const size = s.current?.downloadSize;
    if (typeof size !== 'number' || s.sizeAnalysisStatus !== 'ready') return null;
    return { key: `sizehist:bugsee:${s.appKey}:${s.current?.packageId ?? ''}`, build: `bugsee:${s.appKey}:${s.current?.uuid ?? event.id}`, size };
  }
  if (event.type === 'sentry.preprod_artifact.size_analysis_completed') {
    const s = event.state;
    const size = s.size?.downloadSize;
    if (typeof size !== 'number') return null;
    return { key: `sizehist:sentry:${s.org ?? ''}:${s.project ?? ''}:${s.app?.appId ?? ''}`, build: `sentry:${s.org ?? ''}:${s.size?.buildId ?? event.id}`, size };
  }
  return null;
}

/**
 * The hosts a message may link to besides the fixed ones: the configured Sentry and Bugsee hosts
 * and the operator's `LINK_HOSTS`. Never a host a payload names.
 */
export function configuredLinkHosts(config: { sentry: { url: string }; bugsee: { apiUrl: string }; linkHosts: readonly string[] }): string[] {
  const hostOf = (u: string): string[] => {
    try {
      return [new URL(u).hostname];
    } catch {
      return [];
    }
  };
  return [...hostOf(config.sentry.url), ...hostOf(config.bugsee.apiUrl), ...config.linkHosts];
}

export function createRenderer(deps: { store: Store; regressionThresholdPct: number; linkHosts?: readonly string[] }): Renderer {
  const { store } = deps;
  const linkAllowed = createLinkPolicy(deps.linkHosts ?? []);
  return {
    async extras(event) {
      const extras: RenderExtras = { regressionThresholdPct: deps.regressionThresholdPct, linkAllowed };
      const sample = sizeSample(event);
      if (sample) {
        const newestFirst = await store.listCapped<number>(sample.key, HISTORY);
        extras.sizeTrend = [...newestFirst].reverse();
      }
      return extras;
    },
    card: (event, state, extras) => renderCard(event, state as never, extras),
    reply: (event, state, extras) => renderReply(event, state as never, extras),
    standalone: (event, extras) => renderStandalone(event, extras),
    async recordSize(event) {
      const sample = sizeSample(event);
      if (!sample) return;
      // Once per build, however often its analysis is delivered.
      if (await store.claim(`sizehist-done:${sample.build}`, 90 * 24 * 3600)) await store.pushCapped(sample.key, sample.size, HISTORY);
    },
  };
}
