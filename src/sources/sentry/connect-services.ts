/**
 * The Sentry clients a connection hook needs (token keeper, API), built once per connection
 * context from the configuration, the store and the cipher, like the composition root builds its own.
 */

import type { ConnectionContext } from '../kit/connection.js';
import { createSentryApi, type SentryApi } from './api.js';
import { createSentryTokens, type SentryTokens } from './tokens.js';

export interface SentryServices {
  tokens: SentryTokens;
  api: SentryApi;
}

const built = new WeakMap<ConnectionContext, SentryServices>();

export function sentryServices(ctx: ConnectionContext): SentryServices {
  let s = built.get(ctx);
  if (!s) {
    const { config } = ctx;
    const tokens = createSentryTokens({
      store: ctx.store,
      baseUrl: config.sentry.url,
      clientId: config.sentry.clientId,
      clientSecret: config.sentry.clientSecrets.at(-1),
      fallbackToken: config.sentry.authToken,
      cipher: ctx.cipher,
      now: ctx.now,
    });
    s = { tokens, api: createSentryApi({ baseUrl: config.sentry.url, tokens, timeoutMs: 5000 }) };
    built.set(ctx, s);
  }
  return s;
}
