/** Bugsee as the core sees it: its events, credential, routing, echo rule and subscription targets. */

import { z } from 'zod';
import type { PipelineEvent } from '../../events.js';
import { sizeBuild, sizeHistoryKey } from '../../store/keys.js';
import type { SourceDefinition } from '../kit/definition.js';
import { escapeMrkdwn } from '../kit/text.js';
import { BUGSEE_EVENTS, BUGSEE_KINDS } from './events.js';
import { bugseeConnection, teamOfToken } from './connect.js';
import { createBugseePlugin } from './plugin.js';
import { sharedSecretWarning } from './shared-secret.js';
import { createBugseeRuntime } from './runtime.js';
import type { BugseeBuildState } from './subjects.js';

/** Bugsee app keys are shown in upper case (IOS, ANDROID) but matched as given: keep the case. */
const target = z
  .string()
  .max(100, 'is too long')
  .regex(/^(\*|[A-Za-z0-9_-]+)$/, 'must be a Bugsee app key: letters, digits, - and _ (e.g. IOS), or * for every app');

export const bugseeSource: SourceDefinition = {
  name: 'bugsee',
  label: 'Bugsee',
  events: BUGSEE_EVENTS,
  kinds: BUGSEE_KINDS,
  credential: {
    variable: 'BUGSEE_WEBHOOK_SECRET',
    hint: 'check BUGSEE_WEBHOOK_SECRET and the token in the webhook URL Bugsee calls',
    headers: ['x-bugsee-token'],
  },
  plugin(config, deps) {
    const store = deps?.store;
    if (config.slack.mode !== 'oauth' || !store) {
      return config.bugsee.webhookSecret ? createBugseePlugin({ secret: config.bugsee.webhookSecret }) : undefined;
    }
    return createBugseePlugin({
      secret: config.bugsee.webhookSecret,
      teamOfToken: (token) => teamOfToken(store, token, Date.now()),
      onSharedSecret: sharedSecretWarning(deps.logger),
    });
  },
  connection: bugseeConnection,
  runtime: () => createBugseeRuntime(),
  // Bugsee publishes no write API (see api.ts): without a token to try ours, its buttons stay off.
  actionable: (config) => !!config.bugsee.apiToken,

  targets(event) {
    const { appKey } = event.routing;
    if (!appKey) return null;
    return appKey === '*' ? ['*'] : [appKey, '*'];
  },

  // Bugsee names the API token's owner, a user, as the actor of a change our button made.
  maybeEcho: () => true,
  broadcastKind: (event) => (event.type === 'bugsee.issue.regressed' || event.type === 'bugsee.issue.reopened' ? 'regression' : null),

  subscription: {
    noun: 'an app key',
    placeholder: '<app-key>',
    target,
    describe: (t) => `*Bugsee* \`${escapeMrkdwn(t)}\``,
    help: [
      '• `/threadline subscribe bugsee <app-key> [kinds…] [--filter=value…]`: the app key as Bugsee shows it, e.g. `IOS`; `*` for every app (user events carry no app, so they need `*`).',
    ],
  },

  sizeSample(event: PipelineEvent) {
    if (event.type !== 'bugsee.build.created') return null;
    const s = event.state as Partial<BugseeBuildState>;
    const size = s.current?.downloadSize;
    if (typeof size !== 'number' || s.sizeAnalysisStatus !== 'ready') return null;
    return {
      key: sizeHistoryKey.bugsee(s.appKey, s.current?.packageId ?? ''),
      build: sizeBuild.bugsee(s.appKey, s.current?.uuid ?? event.id),
      size,
    };
  },
};
