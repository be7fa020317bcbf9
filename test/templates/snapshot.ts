/** Shared by the snapshot tests: messages as JSON that pastes into Block Kit Builder. */
import type { SlackMessage } from '../../templates/types.js';

export function builderJson(msg: SlackMessage | null): string {
  return msg ? JSON.stringify({ blocks: msg.blocks }, null, 2) + '\n' : 'null\n';
}
