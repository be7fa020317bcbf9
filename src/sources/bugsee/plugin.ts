/** The Bugsee source as the ingest pipeline sees it: authenticate → identify → parse → normalize. */

import { IngestError, type Authenticated, type Identified, type RawDelivery, type SourcePlugin } from '../../ingest/types.js';
import { identifyIn, normalizeWith, parseWith } from '../kit/table.js';
import { BUGSEE_EVENTS } from './events.js';
import { bugseeTokens, checkBugseeToken, checkBugseeTokenForm } from './verify.js';

export interface BugseePluginOptions {
  /** `BUGSEE_WEBHOOK_SECRET` (optional with many workspaces, where each team has its own token). */
  secret?: string;
  /**
   * Multi-workspace mode: the team a token belongs to (see `connect.ts`), or null. A delivery on
   * the shared secret then routes to no team, and `onSharedSecret` is told.
   */
  teamOfToken?: (token: string) => Promise<string | null>;
  onSharedSecret?: () => void;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function createBugseePlugin(options: BugseePluginOptions): SourcePlugin {
  const { secret = '', teamOfToken } = options;
  return {
    source: 'bugsee',

    precheck(head): void {
      const form = checkBugseeTokenForm(head);
      if (!form.ok) throw new IngestError('bad_token', 401, undefined, form.reason);
    },

    authenticate(delivery: RawDelivery) {
      const check = checkBugseeToken(delivery, secret);
      if (!teamOfToken) {
        if (!check.ok) throw new IngestError('bad_token', 401, undefined, check.reason);
        return;
      }
      return authenticateTeam(delivery, check.ok, teamOfToken, options.onSharedSecret);
    },

    identify(_delivery: RawDelivery, json: unknown): Identified {
      const type = isRecord(json) ? json.type : undefined;
      if (typeof type !== 'string' || type.trim() === '') throw new IngestError('missing_type', 400);
      return identifyIn(BUGSEE_EVENTS, `bugsee.${type}`);
    },

    deliveryId(delivery: RawDelivery, json: unknown): string | undefined {
      // Bugsee repeats the envelope `id` as `X-Bugsee-Delivery`, stable across retries.
      const id = isRecord(json) ? json.id : undefined;
      if ((typeof id === 'string' && id !== '') || typeof id === 'number') return String(id);
      return delivery.headers['x-bugsee-delivery'] || undefined;
    },

    sourceTimestamp(): Date | undefined {
      return undefined;
    },

    parse: (type, json) => parseWith(BUGSEE_EVENTS, type, json),
    normalize: (type, payload, meta) => normalizeWith(BUGSEE_EVENTS, type, payload, meta),
  };
}

/** Multi-workspace: a team's own token names its team; the shared secret names none. */
async function authenticateTeam(
  delivery: RawDelivery,
  sharedSecret: boolean,
  teamOfToken: (token: string) => Promise<string | null>,
  onSharedSecret: (() => void) | undefined,
): Promise<Authenticated> {
  if (sharedSecret) {
    onSharedSecret?.();
    return {};
  }
  const candidates = bugseeTokens(delivery);
  if (candidates.length === 0) throw new IngestError('bad_token', 401, undefined, 'missing');
  for (const token of candidates) {
    // Looked up by its SHA-256: the store's own lookup is the comparison, on a hash.
    const teamId = await teamOfToken(token);
    if (teamId) return { teamId };
  }
  throw new IngestError('bad_token', 401, undefined, 'mismatch');
}
