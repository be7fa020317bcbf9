/**
 * Worker-side Sentry logic with I/O: keeps installations (uuid → org) and their tokens, and fills
 * routing that payloads lack — the org from the installation, a Seer run's project from its issue.
 */

import type { AnyEvent, Routing } from '../../events.js';
import type { SourceRuntime } from '../../ingest/types.js';
import type { Broadcast } from '../../broadcast.js';
import type { Logger } from '../../log.js';
import { sentryGroupKey, sentrySeerPrKey } from '../../store/keys.js';
import type { KeyValue } from '../../store/store.js';
import type { ConnectionRepo } from '../../connections/repo.js';
import type { SentryInstallationRepo } from './installations-repo.js';
import { codeHash, exchangeOnce } from './exchange-once.js';
import type { SentryApi } from './api.js';
import type { SentryTokens } from './tokens.js';
import type { PreprodState, SeerState } from './subjects.js';

export interface SentryRuntimeOptions {
  store: KeyValue & SentryInstallationRepo & Partial<Pick<ConnectionRepo, 'listConnections' | 'deleteConnections'>>;
  tokens: SentryTokens;
  api: SentryApi;
  logger?: Pick<Logger, 'warn' | 'info'>;
  /** Base of Sentry links (SENTRY_URL), for the issue link of a Seer run. */
  sentryUrl?: string;
  /** How long a learned issue → project mapping is kept. */
  groupTtlSec?: number;
  now?: () => number;
  /**
   * Installation changes, to every process: each one drops the org it cached for that installation.
   * Without it, only this process drops it (right for the embedded store's single process).
   */
  installationChanges?: Broadcast;
}

export interface GroupRecord {
  org?: string;
  project: string;
}

export const groupKey = sentryGroupKey;

const THIRTY_DAYS = 30 * 24 * 3600;
const ORG_CACHE_MS = 30_000;
/** A pull request's builds may come for weeks after Seer opened it. */
const SEER_PR_TTL = 90 * 24 * 3600;

/** Subjects whose state shows org/project: resolved routing is copied there for the card. */
const STATE_WITH_ORG = new Set(['sentry.issue', 'sentry.seer', 'sentry.preprod', 'sentry.metric_alert']);
const STATE_WITH_PROJECT = new Set(['sentry.issue', 'sentry.seer', 'sentry.preprod']);

export function createSentryRuntime(opts: SentryRuntimeOptions): SourceRuntime {
  const { store, tokens, api, logger } = opts;
  const ttl = opts.groupTtlSec ?? THIRTY_DAYS;
  const now = opts.now ?? Date.now;

  async function installed(event: AnyEvent & { type: 'sentry.installation.created' }): Promise<void> {
    const uuid = event.subject.id;
    const { org, orgName } = event.state;
    const at = new Date(now()).toISOString();
    const existing = await store.getSentryInstallation(uuid);
    const code = event.detail.code;
    await store.putSentryInstallation({
      ...existing,
      uuid,
      org: org ?? existing?.org,
      orgName: orgName ?? existing?.orgName,
      // Kept before the exchange: the browser's redirect proves itself with this code meanwhile.
      grantCodeHash: code ? codeHash(code) : existing?.grantCodeHash,
      createdAt: existing?.createdAt ?? at,
      updatedAt: at,
    });
    if (!code) return;
    // The redirect to /sentry/setup races us for the single-use code: one exchange between us.
    const { outcome, error } = await exchangeOnce({ store, tokens }, uuid, code, org);
    if (outcome === 'exchanged') logger?.info({ installationUuid: uuid, org }, 'sentry installation tokens stored');
    // The installation stays recorded: routing by org works without tokens, and API calls fall back.
    else
      logger?.warn(
        { installationUuid: uuid, org, outcome, err: error === undefined ? undefined : errInfo(error) },
        'sentry code exchange failed',
      );
  }

  /** The teams connected through this installation lose it: their subscriptions to the org pause. */
  async function disconnectInstallation(uuid: string): Promise<void> {
    if (!store.listConnections || !store.deleteConnections) return;
    const rows = (await store.listConnections({ source: 'sentry' })).filter((c) => c.data?.installationUuid === uuid);
    for (const c of rows) await store.deleteConnections({ source: 'sentry', teamId: c.teamId, key: c.key });
    if (rows.length)
      logger?.info({ installationUuid: uuid, teams: rows.length }, 'sentry installation removed; its workspace connections are gone');
  }

  async function learn(groupId: string, rec: GroupRecord): Promise<void> {
    await store.setRecord(groupKey(groupId), rec, ttl);
  }

  // Installations change rarely and every event asks: keep the org for a short while per process.
  // Only a known org is kept: an installation's first events arrive right after it is created, and
  // a remembered "not known" would make them unroutable in every process that looked too early.
  const orgCache = new Map<string, { org: string; at: number }>();
  // Bumped by every invalidation: a lookup that started before one must not cache what it read.
  let generation = 0;
  const forget = (uuid: string | undefined) => {
    generation++;
    if (uuid === undefined) orgCache.clear();
    else orgCache.delete(uuid);
  };
  opts.installationChanges?.subscribe(forget);
  const changed = async (uuid: string) => {
    forget(uuid);
    await opts.installationChanges?.publish(uuid);
  };

  async function installationOrg(uuid: string): Promise<string | undefined> {
    const hit = orgCache.get(uuid);
    if (hit && now() - hit.at < ORG_CACHE_MS) return hit.org;
    const before = generation;
    const org = (await store.getSentryInstallation(uuid))?.org;
    if (org === undefined || generation !== before) return org;
    if (orgCache.size > 10_000) orgCache.clear();
    orgCache.set(uuid, { org, at: now() });
    return org;
  }

  async function fillRouting(event: AnyEvent, routing: Routing): Promise<void> {
    const groupId = routing.groupId;
    // Independent reads, sent together.
    const [org, known] = await Promise.all([
      routing.installationUuid ? installationOrg(routing.installationUuid) : undefined,
      groupId ? store.getRecord<GroupRecord>(groupKey(groupId)) : null,
    ]);
    if (org) routing.org = org;
    if (!groupId) return;
    if (routing.project) {
      // A comment names its project but no org (no URLs): the org learned from the issue routes it.
      if (!routing.org && known?.org && known.project === routing.project) routing.org = known.org;
      // Never forget a known org for a payload that has none.
      const org = routing.org ?? (known?.project === routing.project ? known.org : undefined);
      if (known?.project !== routing.project || known.org !== org) await learn(groupId, { org, project: routing.project });
      return;
    }
    if (known?.project && (!routing.org || !known.org || known.org === routing.org)) {
      routing.project = known.project;
      routing.org ??= known.org;
      return;
    }
    if (!routing.org) return; // the API is org-scoped: nothing more to ask without one
    const issue = await api.getIssue(routing.org, groupId);
    const project = issue.project?.slug ?? undefined;
    if (project) {
      routing.project = project;
      await learn(groupId, { org: routing.org, project });
    } else {
      logger?.warn({ type: event.type, groupId, org: routing.org }, 'sentry issue has no project slug');
    }
  }

  /**
   * A Seer run's pull requests are remembered (`<repo>#<number>` → run), so the builds of one
   * (preprod artifacts of that PR) find the run's thread: see thread-links.ts.
   */
  async function linkSeerPullRequests(event: AnyEvent, routing: Routing): Promise<void> {
    if (event.subject.kind === 'sentry.seer') {
      const s = event.state as Partial<SeerState>;
      const groupId = s.groupId ?? routing.groupId;
      for (const pr of s.pullRequests ?? []) {
        if (!pr.repo || pr.number === undefined || !s.runId || !groupId) continue;
        await store.setRecord(sentrySeerPrKey(pr.repo.toLowerCase(), pr.number), { runId: s.runId, groupId }, SEER_PR_TTL);
      }
      return;
    }
    const git = event.subject.kind === 'sentry.preprod' ? (event.state as Partial<PreprodState>).git : undefined;
    if (!git?.headRepoName || git.prNumber === undefined || git.prNumber === null) return;
    const run = await store.getRecord<{ runId: string; groupId: string }>(sentrySeerPrKey(git.headRepoName.toLowerCase(), git.prNumber));
    if (run) Object.assign(routing, { seerRunId: run.runId, seerGroupId: run.groupId });
  }

  return {
    source: 'sentry',

    async handle(received) {
      // The core hands over any source's event; this source's are of its own known types.
      const event = received as AnyEvent;
      // Told after the store changed, so a process that drops its entry reads the new record.
      if (event.type === 'sentry.installation.created') {
        await installed(event);
        await changed(event.subject.id);
        return 'consumed';
      }
      if (event.type === 'sentry.installation.deleted') {
        await disconnectInstallation(event.subject.id);
        await tokens.forget(event.subject.id);
        await store.deleteSentryInstallation(event.subject.id);
        await changed(event.subject.id);
        return 'consumed';
      }
      return 'continue';
    },

    async resolve(received) {
      if (received.source !== 'sentry') return received;
      const event = received as AnyEvent;
      const routing: Routing = { ...event.routing };
      try {
        await fillRouting(event, routing);
        await linkSeerPullRequests(event, routing);
      } catch (err) {
        logger?.warn(
          { type: event.type, id: event.id, groupId: routing.groupId, org: routing.org, err: errInfo(err) },
          'sentry routing lookup failed',
        );
      }
      const state: Record<string, unknown> = { ...event.state };
      if (routing.org && STATE_WITH_ORG.has(event.subject.kind)) state.org = routing.org;
      if (routing.project && STATE_WITH_PROJECT.has(event.subject.kind)) state.project ??= routing.project;
      // Seer payloads carry no URL: link the run to its issue once the org is known.
      if (event.subject.kind === 'sentry.seer' && routing.org && routing.groupId && !state.issueUrl) {
        state.issueUrl = `${opts.sentryUrl ?? 'https://sentry.io'}/organizations/${encodeURIComponent(routing.org)}/issues/${encodeURIComponent(routing.groupId)}/`;
      }
      return { ...event, routing, state };
    },
  };
}

/** Code and message only: error objects from fetch can carry request details. */
function errInfo(err: unknown): { name?: string; code?: string; message: string } {
  if (err instanceof Error) return { name: err.name, code: (err as { code?: string }).code, message: err.message };
  return { message: String(err) };
}
