/** Metric alerts: one thread per incident, status critical → warning → resolved. */

import { sentryThreadKeys, type SentryDraft, type MetricAlertState } from './subjects.js';
import type { NormalizeMeta } from '../../ingest/types.js';
import { buildEvent, compact, links, opt } from '../kit/normalize.js';
import { idString, mapActor, pickTime, toIso, toNumber, routingOf } from './normalize-common.js';
import type { SentryMetricAlertPayload } from './schema.js';
import { factsFromUrls } from './urls.js';
import { alertRoutingFields, metricAlertChoices } from './alert-settings.js';

export type MetricAlertType = 'sentry.metric_alert.critical' | 'sentry.metric_alert.warning' | 'sentry.metric_alert.resolved';

/** Sentry's threshold_type: 0 = above, 1 = below. */
const COMPARISON: Record<string, string> = { '0': '>', '1': '<' };

/** "1000 events in the last minute" → 1000. */
function leadingNumber(text: string | undefined): number | undefined {
  const m = text?.match(/^\s*(-?\d[\d,]*(?:\.\d+)?)/);
  return m ? toNumber(m[1].replace(/,/g, '')) : undefined;
}

export function normalizeMetricAlert<T extends MetricAlertType>(
  type: T,
  p: SentryMetricAlertPayload,
  meta: NormalizeMeta,
): SentryDraft<T, 'sentry.metric_alert'> {
  const d = p.data;
  const action = type.slice('sentry.metric_alert.'.length);
  const alert = d.metric_alert;
  const rule = alert.alert_rule ?? undefined;
  const incidentId = String(alert.id).trim();
  const projects = (rule?.projects?.length ? rule.projects : alert.projects) ?? [];
  const org = factsFromUrls([d.web_url]).org;
  const trigger = rule?.triggers?.find((t) => t.label === action) ?? (action === 'resolved' ? undefined : rule?.triggers?.[0]);
  const thresholdType = rule?.threshold_type;
  const description = opt(d.description_text);
  const title = opt(alert.title) || opt(rule?.name) || opt(d.description_title) || `Metric alert ${incidentId}`;
  // An escalation (warning → critical) keeps the incident's date_detected, so the change itself
  // is dated by the delivery when Sentry gives one; resolution has its own date_closed.
  const time =
    action === 'resolved'
      ? pickTime(meta, alert.date_closed, meta.sourceTimestamp)
      : pickTime(meta, meta.sourceTimestamp, alert.date_detected, alert.date_started);
  const state: Partial<MetricAlertState> = {
    incidentId,
    status: action,
    title,
    alertRuleId: idString(rule?.id),
    alertRuleName: opt(rule?.name),
    description,
    metricValue: leadingNumber(description),
    threshold: toNumber(trigger?.alert_threshold),
    comparison: thresholdType === null || thresholdType === undefined ? undefined : COMPARISON[String(thresholdType)],
    dateStarted: toIso(alert.date_started ?? alert.date_detected),
    org,
    projects: projects.length ? [...projects] : undefined,
    url: opt(d.web_url),
  };
  if (action === 'resolved' || alert.date_closed !== undefined) state.dateClosed = toIso(alert.date_closed) ?? null;
  return buildEvent(type, meta, {
    subjectId: incidentId,
    threadKey: sentryThreadKeys.metricAlert(incidentId),
    routing: routingOf(p, {
      org,
      project: projects[0],
      projects: projects.length > 1 ? [...projects] : undefined,
      ...alertRoutingFields(metricAlertChoices(rule?.triggers, action)),
    }),
    time,
    actor: mapActor(p.actor),
    title,
    links: links(['Open alert', opt(d.web_url)]),
    filters: { severity: action === 'resolved' ? undefined : action },
    state: compact(state),
    detail: {},
  });
}
