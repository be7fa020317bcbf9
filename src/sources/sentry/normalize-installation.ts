/** The Sentry app installed in, or removed from, an org: consumed by the runtime, never posted. */

import type { NormalizeMeta } from '../../ingest/types.js';
import { buildEvent, compact, opt } from '../kit/normalize.js';
import { mapActor, pickTime } from './normalize-common.js';
import type { SentryInstallationPayload } from './schema.js';
import type { SentryDraft } from './subjects.js';

export type InstallationType = 'sentry.installation.created' | 'sentry.installation.deleted';

export function normalizeInstallation<T extends InstallationType>(
  type: T,
  p: SentryInstallationPayload,
  meta: NormalizeMeta,
): SentryDraft<T, 'sentry.installation'> {
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
