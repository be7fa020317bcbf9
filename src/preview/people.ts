/**
 * The pretend people of the dry-run preview: Slack users the assignee select offers, whose
 * `users.info` carries an email, and the Sentry members with those emails, so Assign runs the
 * whole real path (Slack user → email → Sentry member → assignedTo).
 */

export interface PretendPerson {
  /** Slack user id. */
  id: string;
  handle: string;
  name: string;
  email: string;
  /** Sentry user id of the matching member. */
  sentryUserId: string;
}

export const PRETEND_PEOPLE: readonly PretendPerson[] = [
  { id: 'U_PREVIEW_ADA', handle: 'ada', name: 'Ada Lovelace', email: 'ada@example.com', sentryUserId: '1001' },
  { id: 'U_PREVIEW_GRACE', handle: 'grace', name: 'Grace Hopper', email: 'grace@example.com', sentryUserId: '1002' },
  { id: 'U_PREVIEW_LINUS', handle: 'linus', name: 'Linus Torvalds', email: 'linus@example.com', sentryUserId: '1003' },
];

/** Who clicks in the page. */
export const PREVIEW_CLICKER = { id: 'U_PREVIEW_YOU', handle: 'you' } as const;

/** The Sentry member list as `GET /organizations/{org}/members/` answers it. */
export function pretendSentryMembers(): Record<string, unknown>[] {
  return PRETEND_PEOPLE.map((p) => ({
    id: `m${p.sentryUserId}`,
    email: p.email,
    name: p.name,
    user: { id: p.sentryUserId, name: p.name, email: p.email, username: p.handle },
  }));
}
