import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, eventually, type TestService } from '../helpers/service.js';
import { readFixture, sendBugsee, subscribe } from '../helpers/deliver.js';

type Envelope = {
  id: string;
  payload: { build: { current: Record<string, unknown> & { size_summary: Record<string, unknown> } } };
} & Record<string, unknown>;

function build(n: number, downloadSize: number): Envelope {
  const f = readFixture('bugsee/build.created.ready.json') as Envelope;
  const current = {
    ...f.payload.build.current,
    uuid: `trend-${n}`,
    build: String(200 + n),
    size_summary: { ...f.payload.build.current.size_summary, download_size: downloadSize },
  };
  return { ...f, id: `trend-build-${n}`, payload: { ...f.payload, build: { ...f.payload.build, current } } };
}

describe('build size trend', () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startService('sqlite');
    await subscribe(svc, { channelId: 'CTREND', source: 'bugsee', target: 'ANDROID', kinds: ['build'] });
  });
  afterAll(async () => svc?.stop());

  it('draws a sparkline of the last builds of the same app and package, from history in the store', async () => {
    const sizes = [30_000_000, 31_000_000, 33_000_000, 36_000_000];
    for (const [i, size] of sizes.entries()) {
      expect((await sendBugsee(svc, build(i, size))).status).toBe(200);
      await eventually(() => svc.slack.of('chat.postMessage', 'CTREND').length === i + 1, `build ${i} posted`);
    }
    const last = JSON.stringify(svc.slack.of('chat.postMessage', 'CTREND').at(-1)?.args.blocks);
    expect(last).toMatch(/[▁▂▃▄▅▆▇█]{4}/);
    const history = await svc.t.store.listCapped<number>('sizehist:bugsee:ANDROID:com.example.app', 10);
    expect(history).toEqual([...sizes].reverse());
    // A redelivered build is not counted twice.
    await sendBugsee(svc, { ...build(3, 36_000_000), id: 'trend-build-3-again' });
    await new Promise((r) => setTimeout(r, 300));
    expect(await svc.t.store.listCapped<number>('sizehist:bugsee:ANDROID:com.example.app', 10)).toHaveLength(4);
  });
});
