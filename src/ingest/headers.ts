/** Headers worth keeping with a dead letter: everything but signatures, secrets and cookies. */
const DROP = new Set(['sentry-hook-signature', 'x-bugsee-token', 'authorization', 'cookie', 'x-slack-signature']);

export function safeHeaders(headers: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v !== undefined && !DROP.has(k.toLowerCase())) out[k.toLowerCase()] = v;
  }
  return out;
}
