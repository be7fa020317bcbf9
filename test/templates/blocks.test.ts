import { describe, expect, it } from 'vitest';
import {
  clip,
  cutText,
  enforceLimits,
  esc,
  fields,
  formatBytes,
  header,
  link,
  md,
  quote,
  safeUrl,
  shortList,
  shortNumber,
  signedBytes,
  signedPct,
  slackDate,
  sparkline,
} from '../../templates/blocks.js';
import type { Block } from '../../templates/types.js';
import { validateMessage } from '../../templates/validate.js';

describe('escaping', () => {
  it('turns &, < and > into entities so payload text cannot ping or link', () => {
    expect(esc('<!channel> & <@U123> > x').value).toBe('&lt;!channel&gt; &amp; &lt;@U123&gt; &gt; x');
  });

  it('escapes interpolated strings in md`` but keeps our own markup', () => {
    const who = '<!here>';
    expect(md`*${who}* said ${md`_hi_`}`.value).toBe('*&lt;!here&gt;* said _hi_');
  });

  it('drops control characters and lone surrogates', () => {
    expect(esc('a\u0000b\u0007c\uD800d\n').value).toBe('abcd\n');
    expect(esc('\u202Eevil\u202C مرحبا').value).toBe('evil مرحبا');
    expect(esc('😀').value).toBe('😀');
  });
});

describe('truncation', () => {
  it('never cuts inside an entity', () => {
    for (let max = 2; max < 40; max++) {
      const out = clip('&&&&&&&&&&&&&&&&&&&&<<<<<<<>>>>>>>>', max).value;
      expect(out.length).toBeLessThanOrEqual(max);
      expect(out.replace(/&(amp|lt|gt);/g, '')).not.toContain('&');
      expect(out.endsWith('…')).toBe(true);
    }
  });

  it('never splits an emoji or one of our link tokens', () => {
    const text = '👩‍👩‍👧'.repeat(10);
    const out = cutText(text, 20);
    expect(out.length).toBeLessThanOrEqual(20);
    expect([...new Intl.Segmenter().segment(out.slice(0, -1))].every((g) => g.segment === '👩‍👩‍👧')).toBe(true);
    const withLink = md`see ${link('https://example.com/a', 'the docs')} now`.value;
    expect(cutText(withLink, 12)).toBe('see…');
  });

  it('closes a code fence it cuts open', () => {
    const out = cutText('```\n' + 'x'.repeat(100) + '\n```', 50);
    expect(out.length).toBeLessThanOrEqual(50);
    expect((out.match(/```/g) ?? []).length % 2).toBe(0);
  });

  it('leaves short text alone', () => {
    expect(clip('short', 10).value).toBe('short');
  });
});

describe('quote', () => {
  it('prefixes every line and escapes > inside', () => {
    expect(quote('a > b\n\nc').value).toBe('> a &gt; b\n>\n> c');
  });
});

describe('numbers and sizes', () => {
  it('shortens numbers', () => {
    expect([0, 999, 1000, 1234, 12_345, 999_999, 1_500_000, 2_000_000_000].map(shortNumber)).toEqual([
      '0',
      '999',
      '1k',
      '1.2k',
      '12k',
      '1M',
      '1.5M',
      '2B',
    ]);
  });

  it('formats bytes in SI units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(27_500_000)).toBe('27.5 MB');
    expect(formatBytes(153_400_000)).toBe('153 MB');
    expect(formatBytes(999_999)).toBe('1.0 MB');
    expect(formatBytes(undefined)).toBe('—');
  });

  it('signs deltas with + and the real minus', () => {
    expect(signedBytes(1_048_576)).toBe('+1.0 MB');
    expect(signedBytes(-2_300)).toBe('−2.3 kB');
    expect(signedBytes(0)).toBe('±0 B');
    expect(signedPct(3)).toBe('+3.0%');
    expect(signedPct(-1.25)).toBe('−1.3%');
    expect(signedPct(0.01)).toBe('±0%');
    expect(signedPct(Number.NaN)).toBe('—');
  });
});

describe('dates and lists', () => {
  it('makes a Slack date token with a UTC fallback', () => {
    expect(slackDate('2025-03-19T12:39:44Z').value).toBe('<!date^1742387984^{date_short_pretty} {time}|2025-03-19 12:39 UTC>');
    expect(slackDate('not a date <!channel>').value).toBe('not a date &lt;!channel&gt;');
    expect(slackDate(undefined).value).toBe('');
  });

  it('shortens lists', () => {
    expect(shortList(['a']).value).toBe('a');
    expect(shortList(['a', 'b']).value).toBe('a and b');
    expect(shortList(['a', 'b', 'c']).value).toBe('a, b and c');
    expect(shortList(['a', 'b', 'c', 'd', 'e'], 2).value).toBe('a, b and 3 more');
    expect(shortList(['<x>', null, '']).value).toBe('&lt;x&gt;');
  });
});

describe('sparkline', () => {
  it('maps the lowest value to ▁ and the highest to █', () => {
    expect(sparkline([1, 2, 3, 4, 5, 6, 7, 8])).toBe('▁▂▃▄▅▆▇█');
    expect(sparkline([10, 0])).toBe('█▁');
  });

  it('draws a flat series in the middle and skips non-numbers', () => {
    expect(sparkline([5, 5, 5])).toBe('▄▄▄');
    expect(sparkline([Number.NaN, 1, Number.POSITIVE_INFINITY, 2])).toBe('▁█');
    expect(sparkline([])).toBe('');
  });
});

describe('urls and links', () => {
  it('accepts only http(s) URLs within the limit', () => {
    expect(safeUrl('https://example.com/a?b=1&c=2')).toBe('https://example.com/a?b=1&c=2');
    expect(safeUrl('javascript:alert(1)')).toBeUndefined();
    expect(safeUrl('ftp://example.com')).toBeUndefined();
    expect(safeUrl('https://example.com/' + 'a'.repeat(3000))).toBeUndefined();
    expect(safeUrl('https://example.com/a|b>c')).toBe('https://example.com/a%7Cb%3Ec');
  });

  it('links with an escaped label, or shows the label alone', () => {
    expect(link('https://example.com/?a=1&b=2', 'a <b>').value).toBe('<https://example.com/?a=1&amp;b=2|a &lt;b&gt;>');
    expect(link('javascript:alert(1)', 'x').value).toBe('x');
  });
});

describe('enforceLimits', () => {
  it('cuts headers, caps fields and blocks, drops unsafe link buttons', () => {
    const many: Block[] = Array.from({ length: 60 }, () => header('h'.repeat(400)));
    const grid = fields(Array.from({ length: 14 }, (_, i) => [`f${i}`, md`${'v'.repeat(3000)}`] as [string, ReturnType<typeof md>]))!;
    const badButton: Block = {
      type: 'actions',
      elements: [
        { type: 'button', text: { type: 'plain_text', text: 'x' }, action_id: 'link.x', url: 'javascript:alert(1)' },
        { type: 'button', text: { type: 'plain_text', text: 'y'.repeat(100) }, action_id: 'ok', value: '1' },
      ],
    };
    const out = enforceLimits({ text: '', blocks: [grid, badButton, ...many] }, 'fallback <!here>');
    expect(out.blocks.length).toBe(50);
    expect(out.text).toBe('fallback &lt;!here&gt;');
    expect(validateMessage(out)).toEqual([]);
    const actionsBlock = out.blocks[1];
    expect(actionsBlock.type === 'actions' && actionsBlock.elements.length).toBe(1);
  });
});

describe('validateMessage', () => {
  it('finds pings, bare ampersands and over-long text', () => {
    const problems = validateMessage({
      text: 'hi <!channel>',
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: 'a & b <@U123> c > d' } },
        { type: 'header', text: { type: 'plain_text', text: 'x'.repeat(151) } },
      ],
    });
    expect(problems.join('\n')).toMatch(/text: unescaped "<"/);
    expect(problems.join('\n')).toMatch(/bare "&"/);
    expect(problems.join('\n')).toMatch(/unescaped ">"/);
    expect(problems.join('\n')).toMatch(/151 > 150/);
  });

  it('accepts our own date tokens, links and quote marks', () => {
    const text = `> quoted\n${slackDate('2025-01-01T00:00:00Z').value} ${link('https://x.example/?a&b', 'l').value}`;
    expect(validateMessage({ text: 'ok', blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] })).toEqual([]);
  });

  it('rejects an empty fallback text', () => {
    expect(validateMessage({ text: ' ', blocks: [] })).toContain('text: empty fallback text');
  });
});
