/**
 * What every button click goes through before anything is called: read the ids it carries, check
 * that the clicking team owns the message (a thread our delivery created for that team), and make
 * a repeated click a no-op. Nothing here trusts the payload beyond ids that it checks against the
 * store.
 */

import { bugseeThreadKeys } from '../sources/bugsee/subjects.js';
import { sentryThreadKeys } from '../sources/sentry/subjects.js';
import type { KeyValue, ThreadRecord, ThreadRepo } from '../store/store.js';
import { decodeActionValue, type ActionValue } from '../../templates/values.js';
import { ActionRefusal, FOREIGN_MESSAGE } from './actions-errors.js';
import { actionControlKey, actionKey } from '../store/keys.js';

/** A Slack user as the card shows them ("by @jane"). */
export interface Clicker {
  id: string;
  name: string;
}

/** One verified click: the message belongs to `teamId`, and `thread` is its record. */
export interface Click {
  actionId: string;
  /** `action_ts` of a block action, or the view id of a modal submission. */
  actionTs: string;
  teamId: string;
  channelId: string;
  messageTs: string;
  user: Clicker;
  thread: ThreadRecord;
}

/** The raw facts of a click, as both block actions and modal submissions give them. */
export interface ClickFacts {
  actionId: string;
  actionTs: string;
  teamId: string | undefined;
  channelId: string | undefined;
  messageTs: string | undefined;
  userId: string | undefined;
  userName: string | undefined;
}

/** How long a second click on the same control of the same message is ignored. */
const SAME_CONTROL_SECONDS = 5;
const SAME_DELIVERY_SECONDS = 600;

export function clickerOf(facts: Pick<ClickFacts, 'userId' | 'userName'>): Clicker {
  const id = facts.userId ?? 'unknown';
  // `esc` in the templates would turn `<@U…>` into text, so the card names the handle instead.
  return { id, name: facts.userName ? `@${facts.userName}` : `<@${id}>` };
}

/**
 * Checks the message belongs to the clicking team. Returns the thread, or throws an
 * `ActionRefusal` whose message is safe to show the clicker.
 */
export async function ownedThread(store: Pick<ThreadRepo, 'findThreadByTs'>, facts: ClickFacts): Promise<ThreadRecord> {
  if (!facts.teamId || !facts.channelId || !facts.messageTs) throw new ActionRefusal('refused', FOREIGN_MESSAGE);
  const thread = await store.findThreadByTs(facts.teamId, facts.channelId, facts.messageTs);
  if (!thread || thread.teamId !== facts.teamId || thread.channelId !== facts.channelId || thread.ts !== facts.messageTs) {
    throw new ActionRefusal('refused', FOREIGN_MESSAGE);
  }
  return thread;
}

/**
 * One call per click. Slack may deliver one interaction twice (same `action_ts`), and a quick
 * double-click sends two (different `action_ts`, same control): both are dropped here. `control`
 * names the button or option, so a different choice on the same message is not held back.
 */
export async function claimClick(store: Pick<KeyValue, 'claim'>, facts: ClickFacts, control: string): Promise<boolean> {
  if (!(await store.claim(actionKey(facts.actionTs, facts.userId ?? ''), SAME_DELIVERY_SECONDS))) return false;
  return store.claim(actionControlKey(facts.teamId, facts.channelId, facts.messageTs, control), SAME_CONTROL_SECONDS);
}

/** Lets the same control be used again at once, after a failure the clicker may want to retry. */
export async function releaseControl(store: Pick<KeyValue, 'release'>, facts: ClickFacts, control: string): Promise<void> {
  await store.release(actionControlKey(facts.teamId, facts.channelId, facts.messageTs, control));
}

/** The thread key a decoded value addresses, so a value can be checked against its message. */
export function threadKeyOf(value: ActionValue): string {
  if (value.s === 'sentry') return sentryThreadKeys.issue(value.issueId);
  if ('issueKey' in value) return bugseeThreadKeys.issue(value.appKey, value.issueKey);
  return bugseeThreadKeys.feedback(value.appKey, value.deviceId);
}

/**
 * Decodes a button's value and checks it names the subject of the message it sits on; a value
 * edited to point at another issue is refused.
 */
export function valueFor<T extends ActionValue>(
  raw: string | null | undefined,
  thread: ThreadRecord,
  is: (v: ActionValue | null) => v is T,
): T {
  const value = decodeActionValue(raw);
  if (!value || !is(value)) throw new ActionRefusal('invalid', "This button's data could not be read, so nothing was changed.");
  if (threadKeyOf(value) !== thread.threadKey)
    throw new ActionRefusal('invalid', "This button doesn't match its message, so nothing was changed.");
  return value;
}
