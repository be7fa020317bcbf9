/**
 * CPU used during a phase by the service, by Redis and by the bench itself (load generator and
 * fake Slack), as % of one core. On a small machine the three share the same cores, so a figure
 * is only meaningful next to these.
 */

import { Redis } from 'ioredis';
import type { Child } from './children.js';

export interface CpuShare {
  /** % of one core over the phase. */
  service?: number;
  redis?: number;
  bench: number;
}

async function redisCpuSeconds(client: Redis): Promise<number | undefined> {
  try {
    const info = await client.info('cpu');
    const get = (k: string) => Number(new RegExp(`^${k}:([\\d.]+)`, 'm').exec(info)?.[1] ?? NaN);
    const total = get('used_cpu_user') + get('used_cpu_sys');
    return Number.isFinite(total) ? total : undefined;
  } catch {
    return undefined;
  }
}

export function createCpuMeter(redisUrl: string) {
  const client = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  client.on('error', () => undefined);
  return {
    async start(child?: Child): Promise<() => Promise<CpuShare>> {
      const t0 = process.hrtime.bigint();
      const bench0 = process.cpuUsage();
      const svc0 = child?.cpuSeconds();
      const redis0 = await redisCpuSeconds(client);
      return async () => {
        const wall = Number(process.hrtime.bigint() - t0) / 1e9;
        const bench = process.cpuUsage(bench0);
        const svc1 = child?.cpuSeconds();
        const redis1 = await redisCpuSeconds(client);
        const pct = (a: number | undefined, b: number | undefined) =>
          a === undefined || b === undefined ? undefined : (100 * (b - a)) / wall;
        return { service: pct(svc0, svc1), redis: pct(redis0, redis1), bench: (100 * (bench.user + bench.system)) / 1e6 / wall };
      };
    },
    close: () => client.disconnect(),
  };
}
