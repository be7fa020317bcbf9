/** The small HTML pages a browser sees during a connect flow: escaped, never cached, no scripts. */

import type { Response } from 'express';

const escHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** `lines` are plain text (escaped here); `code` lines are shown as code. */
export function sendPage(res: Response, status: number, title: string, lines: readonly (string | { code: string })[]): void {
  const body = lines.map((l) => (typeof l === 'string' ? `<p>${escHtml(l)}</p>` : `<pre><code>${escHtml(l.code)}</code></pre>`)).join('\n');
  res
    .status(status)
    .set({
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
    })
    .send(
      `<!doctype html><html><head><meta charset="utf-8"><title>${escHtml(title)}</title></head><body style="font-family:sans-serif;max-width:40em;margin:3em auto"><h1>${escHtml(title)}</h1>\n${body}\n</body></html>`,
    );
}

/** A cookie's value from the request's Cookie header. */
export function cookieOf(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/** A workspace as a person reads it: its name from the Slack installation, else its id. */
export function workspaceName(installationJson: string | null, teamId: string): string {
  if (!installationJson) return teamId;
  try {
    const name = (JSON.parse(installationJson) as { installation?: { team?: { name?: unknown } } }).installation?.team?.name;
    return typeof name === 'string' && name ? `${name} (${teamId})` : teamId;
  } catch {
    return teamId;
  }
}
