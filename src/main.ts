/**
 * Entry point: the one place that reads `process.env`. Starts the web role, the worker role or
 * both (THREADLINE_ROLE), and drains cleanly on SIGTERM.
 */

import { readConfig, ConfigError } from './config.js';
import { composeThreadline } from './compose.js';

async function main() {
  let config;
  try {
    config = readConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      // One line per problem, so a log collector shows the variable and the reason without a stack.
      for (const p of err.problems) process.stderr.write(`threadline: refusing to start: ${p.variable}: ${p.reason}\n`);
      process.exit(1);
    }
    throw err;
  }
  const t = await composeThreadline(config);
  const { logger } = t;
  const workerRole = config.role !== 'web';
  if (!config.redisUrl && config.role !== 'all') {
    logger.warn(
      { role: config.role },
      'the embedded store serves one process: run web and worker together (THREADLINE_ROLE=all) or set REDIS_URL',
    );
  }
  if (workerRole) t.startWorker();
  // A worker answers on PORT too, for its own /healthz, /readyz and /metrics.
  const server = await t.app.listen(config.port);
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.port;
  logger.info({ port }, 'listening');
  logger.info(
    {
      role: config.role,
      store: config.redisUrl ? 'redis' : `embedded (SQLite in ${config.dataDir})`,
      slack: config.slack.mode,
      sentry: config.sentry.clientSecrets.length > 0,
      bugsee: Boolean(config.bugsee.webhookSecret),
    },
    config.slack.dryRun
      ? `Threadline running in dry-run mode (no Slack credentials: Slack calls are logged) on the ${config.redisUrl ? 'Redis' : 'embedded'} store`
      : `Threadline running (${config.slack.mode}) on the ${config.redisUrl ? 'Redis' : 'embedded'} store`,
  );
  // The real port (PORT=0 picks one), so the line can be clicked as printed.
  if (config.slack.dryRun) logger.info({ port }, `Preview: http://127.0.0.1:${port}/preview`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: no new requests, finishing in-flight work');
    const timer = setTimeout(() => {
      logger.error('shutdown timed out; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    timer.unref();
    try {
      await t.shutdown();
      logger.info('shutdown complete');
      logger.flush?.();
      process.exit(0);
    } catch (err) {
      logger.error({ err }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err) => {
  process.stderr.write(`threadline: failed to start: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
