/**
 * Bugsee `feedback.message.in/out` → one thread per (app key, device id), so the end user's
 * messages and the team's replies read as one conversation.
 */

import { bugseeThreadKeys, type BugseeDraft, type BugseeFeedbackState, type FeedbackMessage } from './subjects.js';
import type { NormalizeMeta } from '../../ingest/types.js';
import { buildEvent, compact, links, opt } from '../kit/normalize.js';
import { appFields, eventTime, actorOf, labelOf, personOf } from './normalize-common.js';
import type { BugseeEnvelope, BugseePayloads } from './schema.js';

export type BugseeFeedbackEventType = 'bugsee.feedback.message.in' | 'bugsee.feedback.message.out';

export function normalizeFeedback<T extends BugseeFeedbackEventType>(
  type: T,
  envelope: BugseeEnvelope,
  meta: NormalizeMeta,
  payload: BugseePayloads[BugseeFeedbackEventType],
): BugseeDraft<T, 'bugsee.feedback'> {
  const { app, thread, message } = payload;
  const direction = type === 'bugsee.feedback.message.in' ? 'in' : 'out';
  const deviceId = thread.device_id;
  const endUser = personOf(thread.user);
  // `in`: the sender is the end user; `out`: a team member answering from the dashboard.
  const author = personOf(message.user) ?? (direction === 'in' ? endUser : undefined);
  const messages: FeedbackMessage[] = (message.messages ?? []).map((m) =>
    compact({ text: opt(m.text) ?? '', createdOn: opt(m.created_on) }),
  );
  const last = messages.at(-1);
  const appName = opt(app.name) ?? app.key;

  const state: Partial<BugseeFeedbackState> = compact({
    ...appFields(app),
    deviceId,
    threadState: opt(thread.state),
    user: endUser,
    lastMessage: last ? { ...last, direction } : undefined,
  });

  return buildEvent(type, meta, {
    time: eventTime(envelope.created_on, meta),
    subjectId: `${app.key}:${deviceId}`,
    threadKey: bugseeThreadKeys.feedback(app.key, deviceId),
    routing: { appKey: app.key },
    actor: actorOf(author),
    title:
      direction === 'in'
        ? `Feedback from ${labelOf(author, 'a user')} (${appName})`
        : `Reply to ${labelOf(endUser, 'a user')} (${appName})`,
    links: links([appName, app.url]),
    filters: {},
    state,
    detail: compact({ direction, messages, author }),
  });
}
