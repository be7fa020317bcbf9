import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { ensureBuilt } from '../helpers/build.js';
import { redisUrl } from '../helpers/redis.js';
import { killGroupAndWait, spawnGroup } from '../helpers/processes.js';

// The bench and the services it starts share one process group (bench/children.ts does not detach
// them): killing that group after the run, or when the hook times out, leaves nothing behind.
let bench: ChildProcess | undefined;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runBench(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawnGroup(process.execPath, ['dist/bench/run.js', ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    bench = child;
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npm run bench (smoke: 1 s phases)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tl-bench-smoke-'));
  const out = path.join(dir, 'results.json');
  let run: Run;
  let url: string;

  beforeAll(async () => {
    ensureBuilt();
    url = await redisUrl();
    run = await runBench(['--smoke', '--out', out], { REDIS_URL: url });
  }); // no limit of its own (vitest.bench-smoke.config.ts): a busy machine is slow, not wrong

  afterAll(async () => {
    await killGroupAndWait(bench);
    rmSync(dir, { recursive: true, force: true });
  });

  it('finishes on its own and prints the whole table', () => {
    expect(run.code, run.stderr).toBe(0);
    for (const heading of [
      'Ingest',
      'reference (Redis)',
      'threadline (Redis)',
      'threadline (embedded)',
      'ratio threadline ÷ reference',
      'Ack latency at a fixed 1,000 req/s',
      'End to end',
      'Peak RSS',
      'Per-stage ingest profile',
      'Targets',
    ]) {
      expect(run.stdout).toContain(heading);
    }
    expect(run.stdout).toMatch(/ingest vs reference \(Redis\).*(PASS|MISS)/);
    expect(run.stdout).toMatch(/end-to-end p99 .*(PASS|MISS)/);
  });

  it('writes the results where --out says, and leaves bench/RESULTS.md alone', () => {
    const r = JSON.parse(readFileSync(out, 'utf8')) as {
      smoke: boolean;
      reference: { ingest: { total: number; non2xx: number } };
      redis: {
        ingest: { total: number; non2xx: number };
        ingestBeside: { total: number; non2xx: number };
        ingestDrainSec: number;
        fixedRate: { total: number };
        e2e: { sent: number; acked: number; accepted: number; posted: number; channels: number };
        peakRssMb: number;
      };
      embedded: { ingest: { total: number; non2xx: number } };
      profile: { store: string; stages: { stage: string; cpuUs: number }[] }[];
      targets: { name: string; pass: boolean | null }[];
    };
    expect(r.smoke).toBe(true);
    expect(r.reference.ingest.total).toBeGreaterThan(0);
    expect(r.redis.ingest.total).toBeGreaterThan(0);
    expect(r.embedded.ingest.total).toBeGreaterThan(0);
    expect([r.reference.ingest.non2xx, r.redis.ingest.non2xx, r.embedded.ingest.non2xx]).toEqual([0, 0, 0]);
    expect(r.redis.fixedRate.total).toBeGreaterThan(0);
    // The answer path measured alone (worker paused), then beside a delivering worker; the paused
    // worker delivered its backlog afterwards.
    expect(r.redis.ingestBeside.total).toBeGreaterThan(0);
    expect(r.redis.ingestBeside.non2xx).toBe(0);
    expect(Number.isFinite(r.redis.ingestDrainSec)).toBe(true);
    // Every end-to-end event was acked and reached the fake Slack, in 200 channels.
    expect(r.redis.e2e.sent).toBeGreaterThan(0);
    expect(r.redis.e2e.acked).toBe(r.redis.e2e.sent);
    // ...as a new delivery: answered `accepted`, not `duplicate` (each send carries its own body).
    expect(r.redis.e2e.accepted).toBe(r.redis.e2e.sent);
    expect(r.redis.e2e.posted).toBe(r.redis.e2e.sent);
    expect(r.redis.e2e.channels).toBe(200);
    expect(r.redis.peakRssMb).toBeGreaterThan(0);
    expect(r.profile.map((p) => p.store)).toEqual(['redis', 'sqlite']);
    expect(r.profile[0].stages.map((s) => s.stage)).toEqual(
      expect.arrayContaining(['verify (HMAC)', 'dedup (store.claim)', 'enqueue (queue.enqueue)']),
    );
    expect(r.targets).toHaveLength(5);
    expect(r.targets.every((t) => typeof t.pass === 'boolean')).toBe(true);
    expect(run.stderr).not.toMatch(/appended a row/);
    expect(existsSync(out)).toBe(true);
  });

  it('deletes every key it made in Redis', async () => {
    const prefix = /prefix (tl-bench-[a-z0-9]+:)/.exec(run.stderr)?.[1];
    expect(prefix).toBeTruthy();
    const client = new Redis(url);
    try {
      const left: string[] = [];
      let cursor = '0';
      do {
        const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
        cursor = next;
        left.push(...keys);
      } while (cursor !== '0');
      expect(left).toEqual([]);
    } finally {
      client.disconnect();
    }
  });
});
