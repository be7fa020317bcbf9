/**
 * Builds the whole service from a `Config`: store, queue, sources, Slack clients, delivery worker
 * and the HTTP app. `main.ts` calls it with the real environment; tests call it with their own.
 */

import type { DestinationStream } from 'pino';
import type { Config } from './config.js';
import { createLogger, type Logger } from './log.js';
import { createMetrics, type Metrics } from './metrics.js';
import { createCipher, plainCipher, type Cipher } from './crypto.js';
import { createDeadLetterDropReporter } from './store/dead-letter-drops.js';
import { createStore } from './store/index.js';
import type { Store } from './store/store.js';
import { createQueueFromConfig, type QueueTuning } from './queue/from-config.js';
import { createBroadcast } from './broadcast.js';
import type { Queue } from './queue/queue.js';
import { createIngest } from './ingest/pipeline.js';
import type { SourcePlugin, SourceRuntime } from './ingest/types.js';
import { SOURCES, type SourceDefinition } from './sources/index.js';
import { createSentryRuntime } from './sources/sentry/runtime.js';
import { createSentryTokens, type SentryTokens } from './sources/sentry/tokens.js';
import { createSentryApi } from './sources/sentry/api.js';
import { createBugseeApi } from './sources/bugsee/api.js';
import { createSlackClients, type SlackClients } from './delivery/slack-client.js';
import type { RetryOptions } from '@slack/web-api';
import { configuredLinkHosts, createRenderer } from './delivery/render.js';
import { createMentions } from './slack/mentions.js';
import { createChannelSettings } from './slack/settings.js';
import { createDeliveryHandler } from './delivery/worker.js';
import { createSlackGate } from './delivery/slack-gate.js';
import { createOwnPostFinder } from './delivery/own-post.js';
import { createRequeue } from './delivery/requeue.js';
import { createDirectDelivery } from './delivery/direct.js';
import { createApp, type ThreadlineApp } from './app.js';
import { createInstallationStore } from './slack/installations.js';
import { registerSlackHandlers } from './slack/register.js';
import { createPreview, createPretendWorkspace } from './preview/index.js';
import { createTenancy, type Tenancy } from './connections/tenancy.js';
import type { ConnectionContext } from './sources/kit/connection.js';
import { createOneTeam } from './connections/one-team.js';
import { createThreadControl } from './delivery/thread-control.js';
import { createThreadLinks } from './delivery/thread-links.js';
import { DRY_RUN_TARGET } from './delivery/dry-run-target.js';

export interface ComposeOptions {
  logDestination?: DestinationStream;
  logger?: Logger;
  /** Overrides for tests: Slack retry policy, parent wait, gap timeout, queue timings. */
  slackRetry?: RetryOptions;
  slackTimeoutMs?: number;
  /** Timeout of Sentry and Bugsee API calls (buttons, Seer lookups). Default 5 s. */
  sourceApiTimeoutMs?: number;
  parentWaitMs?: number;
  gapTimeoutMs?: number;
  /** The sources (default: the built-in list); tests add one to prove a source is a folder. */
  sources?: readonly SourceDefinition[];
  /** Dry-run preview: where its scenario fixtures are (default: the checkout's `fixtures/`) and the pause between them. */
  preview?: { fixturesDir?: string; scenarioDelayMs?: number };
  queueOptions?: QueueTuning;
}

export interface Threadline {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  store: Store;
  queue: Queue;
  app: ThreadlineApp;
  slack: SlackClients;
  cipher: Cipher;
  sentryTokens: SentryTokens;
  /** Which workspace may see and change which source account. */
  tenancy: Tenancy;
  /** App Home's Retry: puts a dead letter's delivery back on the queue. */
  requeueDeadLetter: (id: string, teamId: string) => Promise<void>;
  /** Starts consuming delivery jobs in this process. */
  startWorker(): void;
  /** Stops the worker (finishing in-flight jobs), the HTTP server, the queue and the store. */
  shutdown(): Promise<void>;
}

export async function composeThreadline(config: Config, opts: ComposeOptions = {}): Promise<Threadline> {
  const logger = opts.logger ?? createLogger({ level: config.logLevel, destination: opts.logDestination });
  const metrics = createMetrics({ defaultMetrics: true });
  const cipher = config.encryptionKey ? createCipher(config.encryptionKey) : plainCipher;
  if (config.slack.mode === 'oauth' && !config.encryptionKey) {
    logger.warn(
      { variable: 'THREADLINE_ENCRYPTION_KEY' },
      'THREADLINE_ENCRYPTION_KEY is not set: Slack bot tokens and Sentry installation tokens are stored unencrypted (set it to 32 random bytes, base64: openssl rand -base64 32)',
    );
  }
  const deadLetterDrops = createDeadLetterDropReporter({ metrics, logger, limits: config.deadLetters });
  const store = await createStore({
    redisUrl: config.redisUrl,
    dataDir: config.dataDir,
    prefix: config.redisPrefix,
    deadLetters: { limits: config.deadLetters, onDrop: deadLetterDrops.onDrop },
  });

  // Set once the handler exists; the queue's exhaustion callback reads it later.
  const handlerRef: { current?: ReturnType<typeof createDeliveryHandler> } = {};
  const queue = createQueueFromConfig({
    config,
    store,
    logger,
    tuning: opts.queueOptions,
    onExhausted: (job, err) => handlerRef.current?.onExhausted(job, err) ?? Promise.resolve(),
  });

  const installationStore = createInstallationStore({ store, cipher });
  // Dry-run: what Slack would have been sent is kept for the preview page (`/preview`).
  const workspace = config.slack.dryRun ? createPretendWorkspace() : undefined;
  const slack = createSlackClients({
    observeDryRun: workspace?.observe,
    apiUrl: config.slack.apiUrl,
    logger,
    botToken: config.slack.botToken,
    dryRun: config.slack.dryRun,
    retry: opts.slackRetry,
    timeoutMs: opts.slackTimeoutMs ?? config.slack.timeoutMs,
    retryPosts: config.slack.lookupsPerMinute === 0,
    tokenForTeam: config.slack.mode === 'oauth' ? (teamId) => installationStore.botTokenForTeam(teamId) : undefined,
  });

  const tokens = createSentryTokens({
    store,
    baseUrl: config.sentry.url,
    clientId: config.sentry.clientId,
    // Rotation: every listed secret verifies webhooks, but Sentry accepts only the current one for
    // our own requests, and the operator lists it last (`old,new`).
    clientSecret: config.sentry.clientSecrets.at(-1),
    fallbackToken: config.sentry.authToken,
    cipher,
  });
  const sentryApi = createSentryApi({ baseUrl: config.sentry.url, tokens, timeoutMs: opts.sourceApiTimeoutMs ?? 5000 });
  const bugseeApi = createBugseeApi({
    baseUrl: config.bugsee.apiUrl,
    token: config.bugsee.apiToken,
    timeoutMs: opts.sourceApiTimeoutMs ?? 5000,
  });

  const sources = opts.sources ?? SOURCES;
  const plugins: Partial<Record<string, SourcePlugin>> = {};
  const runtimes: Partial<Record<string, SourceRuntime>> = {};
  for (const source of sources) {
    plugins[source.name] = source.plugin(config, { store, logger });
    runtimes[source.name] = source.runtime?.({ store, logger });
  }
  // Sentry's runtime shares the token keeper and API client with the buttons. Installation changes
  // reach every process of the deployment, which each cache installations' orgs.
  const installationChanges = createBroadcast('sentry-installations', store.kind === 'redis' ? store : undefined, logger);
  runtimes.sentry = createSentryRuntime({ store, tokens, api: sentryApi, logger, sentryUrl: config.sentry.url, installationChanges });

  // Which workspace may see and change which source account (multi-workspace mode).
  const oneTeam = createOneTeam(config, slack, DRY_RUN_TARGET.teamId);
  const connections: ConnectionContext = { store, config, logger, cipher, slack, oneTeam, now: Date.now };
  const tenancy = createTenancy(connections, sources);

  const ingest = createIngest({ plugins, sources, store, queue, metrics, logger });
  // The dry-run preview answers every source API call itself (pretend token), so its buttons all show.
  const actionable = sources.filter((s) => workspace !== undefined || (s.actionable?.(config) ?? true)).map((s) => s.name);
  const channelSettings = createChannelSettings(store);
  const mentions = createMentions({ store, settings: channelSettings, sources, logger });
  const threadControl = createThreadControl(channelSettings);
  const threadLinks = createThreadLinks({ store, queue, sources, logger, threadControl });
  const render = createRenderer({
    store,
    regressionThresholdPct: config.sizeRegressionThresholdPct,
    sources,
    linkHosts: configuredLinkHosts(config),
    actionable,
    channelExtras: async (ctx) => {
      const [people, links] = await Promise.all([mentions.forChannel(ctx), threadLinks.forChannel(ctx)]);
      return { ...people, ...links };
    },
  });
  // How long a post may be in flight: a call with its one retry, and then some. A rerun waits this
  // long after an attempt it cannot know ended, and looks for the message within it.
  const attemptLiveMs = (opts.slackTimeoutMs ?? config.slack.timeoutMs) * 2 + 10_000;
  const handler = createDeliveryHandler({
    store,
    metrics,
    logger,
    slack,
    runtimes,
    sources,
    render,
    // Pacing protects Slack's per-channel limit; a dry-run posts nowhere, so it shows events at once.
    channelIntervalMs: config.slack.dryRun ? 0 : config.slack.channelIntervalMs,
    parentWaitMs: opts.parentWaitMs,
    gapTimeoutMs: opts.gapTimeoutMs,
    queue,
    gate: createSlackGate({
      store,
      metrics,
      logger,
      teamConcurrency: config.slack.teamConcurrency,
      workerConcurrency: config.workerConcurrency,
      // Longer than a call with its one retry: a crashed worker's place comes back after this.
      slotLeaseMs: (opts.slackTimeoutMs ?? config.slack.timeoutMs) * 3 + 5000,
      maxBreakMs: Math.min(60_000, Math.max(1000, Math.floor(config.slack.outageMaxMs / 100))),
    }),
    outageMaxMs: config.slack.outageMaxMs,
    ownPosts: createOwnPostFinder({
      store,
      metrics,
      logger,
      perMinute: config.slack.lookupsPerMinute,
      windowMs: attemptLiveMs,
    }),
    attemptLiveMs,
    // In dry-run there is no Slack to subscribe from: show every event in one pretend channel.
    fallbackTarget: config.slack.dryRun ? DRY_RUN_TARGET : undefined,
    mayReceive: tenancy.mayReceive,
    oneTeam,
    threadControl,
    links: threadLinks,
  });
  handlerRef.current = handler;
  const requeueDeadLetter = createRequeue({ store, queue });
  const deliverDirect = createDirectDelivery({ store, metrics, logger, render, slack });
  const slackDeps = {
    store,
    logger,
    requeueDeadLetter,
    slack,
    sentryApi,
    bugseeApi,
    sentryTokens: tokens,
    metrics,
    deliverDirect,
    dryRun: config.slack.dryRun,
    backlog: () => queue.backlog(),
    sources,
    tenancy,
  };

  const preview = workspace
    ? createPreview({ config, workspace, logger, metrics, queue, sources, handlers: slackDeps, ...opts.preview })
    : undefined;

  const app = createApp({
    preview: preview?.router,
    config,
    logger,
    metrics,
    store,
    queue,
    ingest,
    sources,
    connections,
    installationStore: config.slack.mode === 'oauth' ? installationStore : undefined,
    registerSlack: (bolt) => registerSlackHandlers(bolt, slackDeps),
  });

  let workerStarted = false;
  return {
    config,
    logger,
    metrics,
    store,
    queue,
    app,
    slack,
    cipher,
    sentryTokens: tokens,
    tenancy,
    requeueDeadLetter,
    startWorker() {
      if (workerStarted) return;
      workerStarted = true;
      queue.start(handler, { concurrency: config.workerConcurrency });
    },
    async shutdown() {
      // An open preview page holds its event stream; the server would wait for it forever.
      preview?.close();
      await app.close();
      await queue.stop();
      await queue.close();
      await installationChanges.close();
      await store.close();
      deadLetterDrops.flush();
    },
  };
}
