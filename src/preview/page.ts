/**
 * The preview page itself: plain server-rendered HTML (header, channel list, threads), the
 * gallery's Slack look plus the page's own layout, and one small script (`client-script.ts`).
 */

import { CSS as SLACK_CSS } from '../../templates/gallery/render.js';
import { channelHtml, channelListHtml, esc, modalHtml } from './render.js';
import type { PreviewChannel, PreviewModal } from './workspace.js';

/** Contrast: every text colour here is at least 4.5:1 on its background (WCAG AA). */
const PAGE_CSS = `
body{background:#f8f8f8}
.top{background:#3f0e40;color:#fff;padding:12px 20px;display:flex;flex-wrap:wrap;align-items:center;gap:8px 20px}
.top h1{font-size:18px;margin:0;color:#fff;text-transform:none;letter-spacing:0}
.top p{margin:0;font-size:13px;color:#f0e6f0}
.scenarios{display:flex;flex-wrap:wrap;gap:8px;margin-left:auto}
.scenarios button{background:#fff;color:#3f0e40;border:0;border-radius:4px;padding:6px 12px;font-weight:700;cursor:pointer}
.scenarios button.all{background:#007a5a;color:#fff}
.layout{display:flex;min-height:calc(100vh - 60px)}
nav{flex:0 0 220px;background:#3f0e40;color:#fff;padding:12px 0}
nav h2{font-size:13px;margin:0 16px 8px;color:#f0e6f0;text-transform:uppercase;letter-spacing:.04em}
nav ul{list-style:none;margin:0;padding:0}
nav li{padding:4px 16px;color:#f0e6f0}
nav a{color:#fff}
nav .count{float:right;font-size:12px;color:#f0e6f0}
main{flex:1;min-width:0;padding:16px 24px;background:#fff}
main>.hint{color:#616061}
.channel>h2{font-size:16px;margin:8px 0;border-bottom:1px solid #e8e8e8;padding-bottom:6px}
.thread-card{border:1px solid #e8e8e8;border-radius:8px;padding:4px 12px 8px;margin:0 0 16px;background:#fff}
.tools{display:flex;gap:12px;margin:2px 0 4px}
.tool{background:none;border:0;padding:0;color:#1264a3;font-size:12px;cursor:pointer;font-family:inherit}
.tool:hover,.tool:focus{text-decoration:underline}
button.btn,select.select{cursor:pointer;font-family:inherit}
:focus-visible{outline:3px solid #1d9bd1;outline-offset:2px}
.ephemeral{border-left:4px solid #1264a3;background:#f4f8fb;padding:4px 12px;margin:0 0 12px}
.ephemeral .only{font-size:12px;color:#454245}
.gone{color:#616061;font-size:13px;font-style:italic}
#status{min-height:20px;font-size:13px;color:#454245}
.backdrop{position:fixed;inset:0;background:rgba(0,0,0,.5);display:flex;align-items:center;justify-content:center}
.modal{background:#fff;border-radius:8px;padding:16px 20px;width:min(520px,92vw)}
.modal h2{margin:0 0 12px;font-size:18px}
.modal label{display:block;font-weight:700;margin-bottom:4px}
.modal textarea{width:100%;box-sizing:border-box;font:inherit;padding:6px;border:1px solid #868686;border-radius:4px}
.modal .hint{font-size:12px;color:#616061}
.modal .error{color:#b3003b;font-size:13px}
.modal .buttons{display:flex;justify-content:flex-end;gap:8px}
`;

export interface PageParts {
  channels: PreviewChannel[];
  modals: PreviewModal[];
  scenarios: { name: string; description: string }[];
}

export function previewPageHtml(p: PageParts): string {
  const buttons = p.scenarios
    .map(
      (s) =>
        `<button type="button" data-scenario="${esc(s.name)}" title="${esc(s.description)}"${s.name === 'all-fixtures' ? ' class="all"' : ''}>${esc(s.name === 'all-fixtures' ? 'Replay all fixtures' : s.name)}</button>`,
    )
    .join('');
  const channels = p.channels.map(channelHtml).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Threadline preview</title><link rel="icon" href="data:,"><style>${SLACK_CSS}${PAGE_CSS}</style></head>
<body data-live-updates="0">
<header class="top"><h1>Threadline preview</h1><p>Dry-run: nothing goes to Slack. This page shows what would.</p>
<div class="scenarios" role="group" aria-label="Run a scenario">${buttons}</div></header>
<div class="layout">
<nav aria-label="Channels"><h2>Channels</h2><ul id="channels">${channelListHtml(p.channels)}</ul></nav>
<main id="main"><div id="status" role="status" aria-live="polite"></div>
<p class="hint">Run a scenario above, send webhooks, or use <code>npm run replay</code>: messages appear here live. Buttons on the cards run the real actions, with Sentry and Bugsee answered as dry-runs.</p>
<div id="channel-list">${channels}</div></main>
</div>
<div id="modal-root">${p.modals.map(modalHtml).join('')}</div>
<script src="/preview/app.js"></script>
</body></html>
`;
}
