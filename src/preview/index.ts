/**
 * The dry-run preview, put together: the pretend workspace (fed by the dry-run Slack client),
 * the scenario runner (fed to a second ingest that skips only the signature step), the clicks
 * (the real handlers, with dry-run Sentry and Bugsee clients) and the routes.
 */

import { randomBytes } from 'node:crypto';
import type { Router } from 'express';
import type { Config } from '../config.js';
import { createIngest } from '../ingest/pipeline.js';
import type { SourcePlugin } from '../ingest/types.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import type { Queue } from '../queue/queue.js';
import type { SourceDefinition } from '../sources/index.js';
import type { SlackHandlerDeps } from '../slack/register.js';
import { createPreviewClicks } from './clicks.js';
import { createPreviewRouter } from './routes.js';
import { createScenarioRunner } from './scenarios.js';
import { createDryRunSourceApis } from './source-apis.js';
import type { PretendWorkspace } from './workspace.js';

export { createPretendWorkspace, type PretendWorkspace } from './workspace.js';

export interface PreviewOptions {
  config: Config;
  workspace: PretendWorkspace;
  logger: Logger;
  metrics: Metrics;
  queue: Queue;
  sources: readonly SourceDefinition[];
  /** What the Slack-facing handlers get; the preview swaps in dry-run Sentry and Bugsee clients. */
  handlers: SlackHandlerDeps;
  fixturesDir?: string;
  scenarioDelayMs?: number;
}

/**
 * Every source's plugin, built as if its webhook credential were set. The credential is a random
 * throwaway: the preview's ingest never runs the signature step, and no sender knows it.
 */
export function pretendConfig(config: Config): Config {
  const unused = randomBytes(24).toString('base64url');
  return {
    ...config,
    sentry: { ...config.sentry, clientSecrets: [unused] },
    bugsee: { ...config.bugsee, webhookSecret: unused },
  };
}

export function createPreview(opts: PreviewOptions): { router: Router; close(): void } {
  const logger = opts.logger.child({ component: 'preview' });
  const pretend = pretendConfig(opts.config);
  const plugins: Partial<Record<string, SourcePlugin>> = {};
  for (const source of opts.sources) plugins[source.name] = source.plugin(pretend);
  const ingest = createIngest({
    plugins,
    sources: opts.sources,
    store: opts.handlers.store,
    queue: opts.queue,
    metrics: opts.metrics,
    logger,
  });
  const scenarios = createScenarioRunner({ ingest, logger, fixturesDir: opts.fixturesDir, delayMs: opts.scenarioDelayMs });
  const clicks = createPreviewClicks({
    workspace: opts.workspace,
    logger,
    handlers: { ...opts.handlers, ...createDryRunSourceApis(logger) },
  });
  const routes = createPreviewRouter({
    workspace: opts.workspace,
    clicks,
    scenarios,
    logger,
    allowRemote: opts.config.preview.allowRemote,
  });
  return { router: routes.router, close: routes.closeStreams };
}
