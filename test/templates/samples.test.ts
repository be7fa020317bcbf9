import { describe, expect, it } from 'vitest';
import type { AnyEvent } from '../../src/events.js';
import { renderCard, renderReply, renderStandalone } from '../../templates/index.js';
import { validateMessage } from '../../templates/validate.js';
import { SAMPLES } from './samples.js';
import { builderJson } from './snapshot.js';

describe('sample events render', () => {
  const texts: Record<string, { card: string; reply: string | null }> = {};
  for (const sample of SAMPLES) {
    it(sample.name, async () => {
      const event = sample.event as AnyEvent;
      const standalone = event.threadKey === null;
      const card = standalone ? renderStandalone(event, sample.extras) : renderCard(event, sample.state as never, sample.extras);
      const reply = standalone ? null : renderReply(event, sample.state as never, sample.extras);
      expect(validateMessage(card)).toEqual([]);
      if (reply) expect(validateMessage(reply)).toEqual([]);
      texts[sample.name] = { card: card.text, reply: reply?.text ?? null };
      await expect(builderJson(card)).toMatchFileSnapshot(`__snapshots__/samples/${sample.name}.card.json`);
      if (!standalone) await expect(builderJson(reply)).toMatchFileSnapshot(`__snapshots__/samples/${sample.name}.reply.json`);
    });
  }
  it('fallback texts', async () => {
    await expect(JSON.stringify(texts, null, 2) + '\n').toMatchFileSnapshot('__snapshots__/samples/texts.json');
  });
});
