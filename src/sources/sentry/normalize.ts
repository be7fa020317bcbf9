/**
 * Sentry payload → `Event`. Pure: no I/O, no clock. Routing the payload lacks (the installation's
 * org, a Seer run's project) is filled later by `runtime.ts`.
 */

import type { AnyEvent, Event, SentryEventType } from '../../events.js';
import type { NormalizeMeta } from '../../ingest/types.js';
import { buildEvent, compact, mapActor, opt, pickTime } from './normalize-common.js';
import { normalizeMetricAlert, type MetricAlertType } from './normalize-alert.js';
import { normalizeComment, normalizeIssue, normalizeSentryEvent, type IssueLifecycleType } from './normalize-issue.js';
import { normalizePreprod, type PreprodType } from './normalize-preprod.js';
import { normalizeSeer, type SeerType } from './normalize-seer.js';
import { resourceOf } from './schema.js';
import type {
  SentryCommentPayload,
  SentryErrorPayload,
  SentryEventAlertPayload,
  SentryInstallationPayload,
  SentryIssuePayload,
  SentryMetricAlertPayload,
  SentryPayload,
  SentryPreprodSizePayload,
  SentrySeerPayload,
} from './schema.js';

type InstallationType = 'sentry.installation.created' | 'sentry.installation.deleted';

function normalizeInstallation<T extends InstallationType>(type: T, p: SentryInstallationPayload, meta: NormalizeMeta): Event<T> {
  const inst = p.data.installation;
  const uuid = opt(p.installation?.uuid) ?? inst.uuid;
  const org = opt(inst.organization?.slug);
  const deleted = type === 'sentry.installation.deleted';
  return buildEvent(type, meta, {
    subjectId: uuid,
    threadKey: null,
    routing: { installationUuid: uuid, org },
    time: pickTime(meta),
    actor: mapActor(p.actor),
    title: `Sentry integration ${deleted ? 'uninstalled from' : 'installed in'} ${org ?? uuid}`,
    state: compact({ uuid, org, orgName: opt(inst.organization?.name), status: deleted ? 'deleted' : opt(inst.status) }),
    // The code is single-use and short-lived; the runtime exchanges it for tokens.
    detail: compact({ code: deleted ? undefined : opt(inst.code) }),
  });
}

/** `payload` must be what `schemaFor(type)` parsed. */
export function normalizeSentry(type: SentryEventType, payload: SentryPayload, meta: NormalizeMeta): AnyEvent {
  switch (resourceOf(type)) {
    case 'installation':
      return normalizeInstallation(type as InstallationType, payload as SentryInstallationPayload, meta) as AnyEvent;
    case 'issue':
      return normalizeIssue(type as IssueLifecycleType, payload as SentryIssuePayload, meta) as AnyEvent;
    case 'error':
    case 'event_alert':
      return normalizeSentryEvent(
        type as 'sentry.error.created' | 'sentry.event_alert.triggered',
        payload as SentryErrorPayload | SentryEventAlertPayload,
        meta,
      ) as AnyEvent;
    case 'comment':
      return normalizeComment(
        type as 'sentry.comment.created' | 'sentry.comment.updated' | 'sentry.comment.deleted',
        payload as SentryCommentPayload,
        meta,
      ) as AnyEvent;
    case 'metric_alert':
      return normalizeMetricAlert(type as MetricAlertType, payload as SentryMetricAlertPayload, meta) as AnyEvent;
    case 'seer':
      return normalizeSeer(type as SeerType, payload as SentrySeerPayload, meta) as AnyEvent;
    case 'preprod_artifact':
      return normalizePreprod(type as PreprodType, payload as SentryPreprodSizePayload, meta) as AnyEvent;
    default:
      throw new Error(`normalizeSentry: no normalizer for ${type}`);
  }
}
