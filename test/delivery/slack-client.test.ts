import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { createSlackClients } from '../../src/delivery/slack-client.js';

const logger = createLogger({ level: 'silent' });

describe('the per-token WebClient cache', () => {
  const clients = (maxClients?: number) =>
    createSlackClients({
      apiUrl: 'http://127.0.0.1:9/api/',
      logger,
      dryRun: false,
      maxClients,
      tokenForTeam: async (team) => `xoxb-${team}`,
    });

  it('reuses the client of a token', async () => {
    const c = clients();
    expect(await c.forTeam('T1')).toBe(await c.forTeam('T1'));
    expect(await c.forTeam('T1')).not.toBe(await c.forTeam('T2'));
  });

  it('keeps at most maxClients, dropping the least recently used', async () => {
    const c = clients(3);
    const t1 = await c.forTeam('T1');
    const t2 = await c.forTeam('T2');
    await c.forTeam('T3');
    expect(await c.forTeam('T1')).toBe(t1); // T1 is now the most recent; T2 the least
    await c.forTeam('T4');
    expect(await c.forTeam('T1')).toBe(t1);
    expect(await c.forTeam('T2')).not.toBe(t2);
  });

  it('is bounded at 1,000 by default', async () => {
    const c = clients();
    const first = await c.forTeam('T0');
    for (let i = 1; i <= 1000; i++) await c.forTeam(`T${i}`);
    expect(await c.forTeam('T0')).not.toBe(first);
    // …while the 1,000 most recent are still the same clients.
    const recent = await c.forTeam('T1000');
    expect(await c.forTeam('T1000')).toBe(recent);
  });
});
