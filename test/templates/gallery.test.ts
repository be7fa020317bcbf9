import { describe, expect, it } from 'vitest';
import { blocksToHtml, mrkdwnToHtml, pageHtml, PAGES } from '../../templates/gallery/render.js';

describe('gallery mrkdwn → HTML', () => {
  it('renders bold, italic, strike, code, links, dates and quotes', () => {
    expect(mrkdwnToHtml('*Resolved* by _Jane_ ~old~ `id`')).toBe('<b>Resolved</b> by <i>Jane</i> <s>old</s> <code>id</code>');
    expect(mrkdwnToHtml('<https://x.example/?a=1&amp;b=2|View>')).toBe('<a href="https://x.example/?a=1&amp;b=2">View</a>');
    expect(mrkdwnToHtml('<!date^0^{date_short_pretty} {time}|x>')).toBe('<span class="date">Jan 1, 1970 00:00</span>');
    expect(mrkdwnToHtml('said:\n> a\n> b')).toBe('said:<br><blockquote>a<br>b</blockquote>');
    expect(mrkdwnToHtml('```\nrow 1\nrow 2\n```')).toBe('<pre>row 1\nrow 2</pre>');
  });

  it('keeps escaped payload text escaped', () => {
    expect(mrkdwnToHtml('&lt;script&gt; &amp;')).toBe('&lt;script&gt; &amp;');
  });

  it('lays out fields, buttons and context', () => {
    const html = blocksToHtml([
      { type: 'section', fields: [{ type: 'mrkdwn', text: '*A*\n1' }] },
      {
        type: 'actions',
        elements: [{ type: 'button', text: { type: 'plain_text', text: 'Go' }, url: 'https://x.example', style: 'primary' }],
      },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'small' }] },
    ]);
    expect(html).toContain('<div class="fields"><div><b>A</b><br>1</div></div>');
    expect(html).toContain('<a class="btn primary" href="https://x.example">Go</a>');
    expect(html).toContain('<div class="context"><span>small</span></div>');
  });

  it('builds a page for every gallery entry', () => {
    for (const page of PAGES) {
      const html = pageHtml(page, () => ({ blocks: [{ type: 'header', text: { type: 'plain_text', text: page.title } }] }));
      expect(html).toContain(`<div class="header">${page.title}</div>`);
    }
  });
});
