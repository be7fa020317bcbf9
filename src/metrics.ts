/**
 * Prometheus metrics, one registry per app instance (tests build many apps in one process).
 * Label `type` is always the event type name `source.resource.action`.
 */

import { Counter, Histogram, Registry, collectDefaultMetrics, Gauge } from 'prom-client';

export function createMetrics(opts: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (opts.defaultMetrics) collectDefaultMetrics({ register: registry });
  const m = {
    registry,
    httpRequests: new Counter({
      name: 'threadline_http_requests_total',
      help: 'HTTP requests by route and status',
      labelNames: ['route', 'status'] as const,
      registers: [registry],
    }),
    webhooks: new Counter({
      name: 'threadline_webhooks_total',
      help: 'Webhook deliveries by source, outcome and type',
      labelNames: ['source', 'outcome', 'type'] as const,
      registers: [registry],
    }),
    deliveries: new Counter({
      name: 'threadline_deliveries_total',
      help: 'Slack deliveries by type and result (posted, replied, fallback)',
      labelNames: ['type', 'result'] as const,
      registers: [registry],
    }),
    retries: new Counter({
      name: 'threadline_delivery_retries_total',
      help: 'Delivery job retries by type',
      labelNames: ['type'] as const,
      registers: [registry],
    }),
    deadLetters: new Counter({
      name: 'threadline_dead_letters_total',
      help: 'Dead letters by source and reason',
      labelNames: ['source', 'reason'] as const,
      registers: [registry],
    }),
    deadLettersDropped: new Counter({
      name: 'threadline_dead_letters_dropped_total',
      help: 'Dead letters dropped to keep their pool (rejected, delivery) within its count and byte caps',
      labelNames: ['pool'] as const,
      registers: [registry],
    }),
    drops: new Counter({
      name: 'threadline_events_dropped_total',
      help: 'Events not delivered to any channel, by type and reason (no_subscriber, filtered, unroutable)',
      labelNames: ['type', 'reason'] as const,
      registers: [registry],
    }),
    slackErrors: new Counter({
      name: 'threadline_slack_errors_total',
      help: 'Slack API errors by method and error code',
      labelNames: ['method', 'error'] as const,
      registers: [registry],
    }),
    webhookToSlack: new Histogram({
      name: 'threadline_webhook_to_slack_seconds',
      help: 'Time from accepting a webhook to the Slack call for it',
      labelNames: ['type'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    }),
    actions: new Counter({
      name: 'threadline_actions_total',
      help: 'Button actions by action_id and result',
      labelNames: ['action', 'result'] as const,
      registers: [registry],
    }),
    slackDeferrals: new Counter({
      name: 'threadline_slack_deferrals_total',
      help: 'Deliveries put back on the queue instead of calling Slack, by reason (held, ratelimited, team_cap, outage, fenced, attempt_in_flight)',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    slackLookups: new Counter({
      name: 'threadline_slack_lookups_total',
      help: 'Reruns that looked for their own message before posting again, by result (adopted, not_found, fallback_budget, fallback_scope, fallback_error)',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    backlogOldestSeconds: new Gauge({
      name: 'threadline_queue_oldest_waiting_seconds',
      help: 'Age of the oldest delivery job not yet done (sampled on scrape; 0 when none)',
      registers: [registry],
    }),
    queueDepth: new Gauge({
      name: 'threadline_queue_jobs',
      help: 'Delivery jobs by state (sampled on scrape)',
      labelNames: ['state'] as const,
      registers: [registry],
    }),
  };
  return m;
}

export type Metrics = ReturnType<typeof createMetrics>;
