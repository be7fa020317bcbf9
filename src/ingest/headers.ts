/** Headers never kept with a dead letter, whatever the source: secrets and cookies. */
const ALWAYS_DROP = ['authorization', 'cookie', 'x-slack-signature'];

/** Headers worth keeping with a dead letter: everything but the source's credential headers, secrets and cookies. */
export function safeHeaders(
  headers: Record<string, string | undefined>,
  credentialHeaders: readonly string[] = [],
): Record<string, string> {
  const drop = new Set([...ALWAYS_DROP, ...credentialHeaders]);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v !== undefined && !drop.has(k.toLowerCase())) out[k.toLowerCase()] = v;
  }
  return out;
}
