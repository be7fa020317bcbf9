/**
 * Clicks in the preview page run the real handlers: a Bolt app with no receiver, given the same
 * handlers as the Slack-facing one (`registerSlackHandlers`), is handed the interaction payload
 * Slack would send (`block_actions`, `view_submission`) through `processEvent`. Only its Sentry and
 * Bugsee clients differ: they answer as dry-runs (see `source-apis.ts`).
 */

import { App, type Receiver } from '@slack/bolt';
import type { Logger } from '../log.js';
import { boltLogger } from '../slack-bolt-logger.js';
import { registerSlackHandlers, type SlackHandlerDeps } from '../slack/register.js';
import { PREVIEW_CLICKER } from './people.js';
import type { PretendWorkspace } from './workspace.js';

/** The dry-run team: the one the dry-run delivery posts as (compose's fallback target). */
export const PREVIEW_TEAM = 'T_DRYRUN';

export interface PreviewClick {
  channel: string;
  /** The clicked message. */
  ts: string;
  actionId: string;
  blockId?: string;
  value?: string;
  selectedOption?: string;
  selectedUser?: string;
}

export interface PreviewSubmit {
  viewId: string;
  /** `{ [block_id]: { [action_id]: value } }` of the modal's plain-text inputs. */
  values: Record<string, Record<string, string>>;
}

export interface PreviewClicks {
  /** False when the message is not in the pretend workspace. */
  click(c: PreviewClick): Promise<boolean>;
  submit(s: PreviewSubmit): Promise<{ ok: boolean; errors?: Record<string, string> }>;
}

const noReceiver: Receiver = { init: () => undefined, start: async () => undefined, stop: async () => undefined };

type Element = { type?: string; action_id?: string; block_id?: string; options?: { text?: unknown; value?: string }[] };

/** The element of the message the click names, so its type and option text come from the message, not the page. */
function findElement(blocks: unknown[], actionId: string, blockId?: string): Element | undefined {
  for (const b of blocks as { type?: string; block_id?: string; elements?: Element[]; accessory?: Element }[]) {
    if (blockId && b.block_id && b.block_id !== blockId) continue;
    const found = [...(b.elements ?? []), ...(b.accessory ? [b.accessory] : [])].find((e) => e.action_id === actionId);
    if (found) return { ...found, block_id: b.block_id };
  }
  return undefined;
}

export function createPreviewClicks(deps: { workspace: PretendWorkspace; logger: Logger; handlers: SlackHandlerDeps }): PreviewClicks {
  // Slack's action_ts is unique per click; the click guard keys on it.
  let seq = 0;
  const actionTs = () => `${(Date.now() / 1000).toFixed(6)}${++seq}`;
  const bolt = new App({ receiver: noReceiver, logger: boltLogger(deps.logger), authorize: async () => ({ botToken: 'xoxb-dry-run' }) });
  registerSlackHandlers(bolt, deps.handlers);
  const team = { id: PREVIEW_TEAM, domain: 'preview' };
  const user = { id: PREVIEW_CLICKER.id, username: PREVIEW_CLICKER.handle, name: PREVIEW_CLICKER.handle, team_id: PREVIEW_TEAM };

  async function deliver(body: Record<string, unknown>): Promise<unknown> {
    let acked: unknown;
    await bolt.processEvent({
      body,
      ack: async (response?: unknown) => {
        acked = response ?? null;
      },
    });
    return acked;
  }

  return {
    async click(c) {
      const message = deps.workspace.message(c.channel, c.ts);
      if (!message) return false;
      const element = findElement(message.blocks, c.actionId, c.blockId);
      if (!element) return false;
      const option = c.selectedOption === undefined ? undefined : element.options?.find((o) => o.value === c.selectedOption);
      const action = {
        type: element.type ?? 'button',
        action_id: c.actionId,
        block_id: element.block_id,
        action_ts: actionTs(),
        ...(c.value !== undefined ? { value: c.value } : {}),
        ...(option ? { selected_option: option } : {}),
        ...(c.selectedUser !== undefined ? { selected_user: c.selectedUser } : {}),
      };
      await deliver({
        type: 'block_actions',
        team,
        user,
        api_app_id: 'A_PREVIEW',
        token: 'unused',
        trigger_id: `preview.${actionTs()}`,
        container: { type: 'message', message_ts: c.ts, channel_id: c.channel, is_ephemeral: false },
        channel: { id: c.channel, name: c.channel },
        message: { type: 'message', ts: c.ts, text: message.text, blocks: message.blocks },
        response_url: 'http://127.0.0.1/unused',
        actions: [action],
      });
      return true;
    },

    async submit(s) {
      const modal = deps.workspace.modal(s.viewId);
      if (!modal) return { ok: false };
      const values: Record<string, Record<string, { type: string; value: string }>> = {};
      for (const [blockId, inputs] of Object.entries(s.values)) {
        values[blockId] = Object.fromEntries(Object.entries(inputs).map(([id, value]) => [id, { type: 'plain_text_input', value }]));
      }
      const acked = (await deliver({
        type: 'view_submission',
        team,
        user,
        api_app_id: 'A_PREVIEW',
        token: 'unused',
        trigger_id: `preview.${actionTs()}`,
        view: { ...modal.view, id: s.viewId, team_id: PREVIEW_TEAM, type: 'modal', state: { values } },
      })) as { response_action?: string; errors?: Record<string, string> } | null;
      if (acked?.response_action === 'errors') return { ok: false, errors: acked.errors };
      deps.workspace.closeModal(s.viewId);
      return { ok: true };
    },
  };
}
