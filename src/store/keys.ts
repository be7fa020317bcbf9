/**
 * Every key the service writes through the key-value store, in one place: the writer and the
 * reader of a key must agree byte for byte, and stored data outlives deploys, so these strings
 * change shape only on purpose (README, "Upgrading").
 *
 * The keys of one delivery carry its shard's hash tag (`shard.ts`) so that Redis Cluster keeps
 * them in one slot: the claim script touches them all in one call.
 */

import { tagOf } from './shard.js';

/**
 * Parts are templated as they are (a missing one reads `undefined`), exactly as the inline
 * template strings these builders replaced did.
 */
type Part = string | number | null | undefined;

/**
 * The hash tag of one delivery: its thread's, or for a threadless event its body's. The body and
 * not the delivery id: a replay of a captured body under a new id must meet the first claim of
 * that body, so both must land in one slot; a sender's own retry repeats both.
 */
export const deliveryTag = (threadKey: Part, bodySha256: Part) => (threadKey ? tagOf(String(threadKey)) : tagOf(`body:${bodySha256}`));
/** Ingest dedup claim of one delivery (`tag`: its `deliveryTag`). */
export const dedupKey = (source: Part, deliveryId: Part, tag: string) => `dedup:${tag}:${source}:${deliveryId}`;
/** Ingest dedup claim of one raw body (SHA-256 hex), whatever delivery id it came with (replays). */
export const dedupBodyKey = (source: Part, sha256: Part, tag: string) => `dedup-body:${tag}:${source}:${sha256}`;

/** The inbox stream of one shard (`tag`: a `deliveryTag`): accepted deliveries waiting for the pump. */
export const inboxKey = (tag: string) => `inbox:${tag}`;

/** Thread sequence: the counter ingest numbers a thread's events with. */
export const seqKey = (threadKey: Part) => `seq:${tagOf(String(threadKey))}:${threadKey}`;
/** The highest sequence number of a thread delivered (counter). */
export const seqDoneKey = (threadKey: Part) => `seqdone:${tagOf(String(threadKey))}:${threadKey}`;
/** A sequence number ingest gave out but could not store: the worker must not wait for it. */
export const seqSkipKey = (threadKey: Part, seq: Part) => `seqskip:${tagOf(String(threadKey))}:${threadKey}:${seq}`;
/** When a thread last delivered anything (ms). */
export const seqProgressKey = (threadKey: Part) => `seqprogress:${tagOf(String(threadKey))}:${threadKey}`;
/** Since when a job waits for an earlier event of its thread (ms). */
export const seqBlockedKey = (jobId: Part) => `seqblocked:${jobId}`;

/** The ts of one posted message part of a job, so a rerun does not post it twice. */
export const postKey = (jobId: Part, teamId: Part, channelId: Part, part: Part) => `post:${jobId}:${teamId}:${channelId}:${part}`;
/** One job's delivery into one channel is complete: a rerun (another channel was deferred) skips it. */
export const deliveredKey = (jobId: Part, teamId: Part, channelId: Part) => `delivered:${jobId}:${teamId}:${channelId}`;
/** A post of one part was attempted (Slack may have it even though its ts was never recorded). */
export const postAttemptKey = (jobId: Part, teamId: Part, channelId: Part, part: Part) =>
  `postattempt:${jobId}:${teamId}:${channelId}:${part}`;
/** A job's runs, counted: each run's number is its fencing token (`attempt-marker.ts`). */
export const runTokenKey = (jobId: Part) => `runs:${jobId}`;
/** Lookups of our own messages a team made in one minute (a counter). */
export const lookupBudgetKey = (teamId: Part, minute: Part) => `lookups:${teamId}:${minute}`;
/** Set while a team's token lacks the history scopes the lookup needs. */
export const lookupScopeKey = (teamId: Part) => `lookup-noscope:${teamId}`;
/** The send slot reserved for one message part, kept across reruns. */
export const paceSlotKey = (jobId: Part, teamId: Part, channelId: Part, part: Part) => `paceslot:${jobId}:${teamId}:${channelId}:${part}`;
/** A channel's pacing slot. */
export const paceKey = (teamId: Part, channelId: Part) => `pace:${teamId}:${channelId}`;

/** Slack told us to wait (Retry-After), or is failing: no call to the channel, or the whole team, until then. */
export const slackHoldKey = (teamId: Part, channelId?: Part) => (channelId ? `slackhold:${teamId}:${channelId}` : `slackhold:${teamId}`);
/** The Slack calls in flight of one team (a lease per call). */
export const teamSlotsKey = (teamId: Part) => `slack-inflight:${teamId}`;
/** Since when one delivery (job, channel) has been waiting out a Slack outage, and how often it tried. */
export const slackOutageKey = (jobId: Part, channelId: Part) => `slackoutage:${jobId}:${channelId}`;

/** A change our own button made, waiting for the source's webhook that echoes it. */
export const echoKey = (teamId: Part, channelId: Part, threadKey: Part, type: Part) => `echo:${teamId}:${channelId}:${threadKey}:${type}`;

/** A thread key's generation in one channel (`--new-thread-after`) and the previous generation's parent ts. */
export const threadGenerationKey = (teamId: Part, channelId: Part, threadKey: Part) => `threadgen:${teamId}:${channelId}:${threadKey}`;

/** A team's recent deliveries (capped list, App Home). */
export const deliveriesKey = (teamId: Part) => `deliveries:${teamId}`;

/** Download-size history of an app (capped list). */
export const sizeHistoryKey = {
  bugsee: (appKey: Part, packageId: Part) => `sizehist:bugsee:${appKey}:${packageId}`,
  sentry: (org: Part, project: Part, appId: Part) => `sizehist:sentry:${org}:${project}:${appId}`,
};
/** Build identities for `sizeHistoryDoneKey`. */
export const sizeBuild = {
  bugsee: (appKey: Part, uuid: Part) => `bugsee:${appKey}:${uuid}`,
  sentry: (org: Part, buildId: Part) => `sentry:${org}:${buildId}`,
};
/** Claimed once a build's size joined its history. */
export const sizeHistoryDoneKey = (build: Part) => `sizehist-done:${build}`;

/** Cross-process lock around a Sentry token refresh. */
export const tokenRefreshLockKey = (uuid: Part) => `sentry:token-refresh:${uuid}`;
/** What Sentry told us about an issue group (org, project). */
export const sentryGroupKey = (groupId: Part) => `sentry:group:${groupId}`;

/** One Slack interaction (same `action_ts`) handled once. */
export const actionKey = (actionTs: Part, userId: Part) => `action:${actionTs}:${userId}`;
/** One control of one message handled once per short window (double clicks). */
export const actionControlKey = (teamId: Part, channelId: Part, messageTs: Part, control: Part) =>
  `action-control:${teamId}:${channelId}:${messageTs}:${control}`;

/** A channel's settings (`/threadline settings`), one record per channel of a team. */
export const channelSettingsKey = (teamId: Part, channelId: Part) => `settings:${teamId}:${channelId}`;

/** A Slack user found by email (`users.lookupByEmail`), per team; the email is hashed, never stored. */
export const slackUserByEmailKey = (teamId: Part, emailHash: Part) => `slackuser:${teamId}:${emailHash}`;

/** A message's permalink (`chat.getPermalink`), per team and channel. */
export const permalinkKey = (teamId: Part, channelId: Part, ts: Part) => `permalink:${teamId}:${channelId}:${ts}`;
/** One link between two threads of a channel was queued (its id is a hash of both ends and its type). */
export const threadLinkKey = (teamId: Part, channelId: Part, linkId: Part) => `threadlink:${teamId}:${channelId}:${linkId}`;
/** The Seer run that opened a pull request (`<repo>#<number>`), for the PR's build threads. */
export const sentrySeerPrKey = (repo: Part, prNumber: Part) => `sentry:seer-pr:${repo}#${prNumber}`;
