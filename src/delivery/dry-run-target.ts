import type { Subscription } from '../store/store.js';

/** In dry-run there is no Slack to subscribe from: every event goes to this pretend channel. */
export const DRY_RUN_TARGET: Subscription = {
  id: 'dry-run',
  teamId: 'T_DRYRUN',
  channelId: 'C_DRYRUN',
  source: 'sentry',
  target: '*',
  kinds: [],
  filters: {},
  createdAt: new Date(0).toISOString(),
  disabled: null,
};
