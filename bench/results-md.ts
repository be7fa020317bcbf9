/** bench/RESULTS.md: a header that explains the columns, then one dated row per run. */

import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { f0, f1, f2, ratio, type BenchResults } from './report.js';

const MD_HEADER = `# Benchmark results

One row per \`npm run bench\` (newest last). Everything runs on 127.0.0.1: the service and the
reference receiver as child processes, Redis from \`REDIS_URL\` (else 127.0.0.1:6379), a fake Slack
Web API in the bench process. Load: signed 2–3 KB Sentry \`issue.created\` webhooks, each with its
own Request-ID. Full figures of the last run, including the per-stage profile, are in
\`bench/results.json\`.

| column | meaning |
|---|---|
| ours req/s | Threadline on Redis: accepted webhooks per second, autocannon, as fast as answered |
| ref req/s | the minimal reference receiver (\`bench/reference.ts\`: raw body, HMAC, SET NX EX, one XADD) under the same load |
| ratio | ours ÷ ref (target ≥ 0.8) |
| p50/p99 | ack latency of ours during the throughput phase, ms |
| CPU µs/req | receiver CPU per accepted request, ours/ref: the ratio in CPU terms, steadier on a busy machine |
| p99@1k | ack latency p99 of ours at a fixed 1,000 req/s, ms (target < 25) |
| e2e p50/p99 | webhook sent → fake Slack receives chat.postMessage, 200 events/s over ≥ 200 threads and 200 channels, ms (target p99 < 100) |
| e2e CPU | service CPU per end-to-end event (ingest and delivery), ms |
| RSS | peak resident memory (VmHWM) of the service on Redis, MB (target < 200) |
| embedded | the same ingest figures on the embedded store (SQLite): req/s, p50/p99 ms |
| missed | targets not met |

Notes on particular rows (a busy machine, a change in how a phase measures) go in a section above
this table; rows are appended at the end of the file, so the table stays last.

## Runs

| date | commit | CPUs | phase s | ours req/s | ref req/s | ratio | p50/p99 | CPU µs/req | p99@1k | e2e p50/p99 | e2e CPU | RSS MB | embedded req/s, p50/p99 | missed |
|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|
`;

export function appendMarkdown(file: string, r: BenchResults): void {
  if (!existsSync(file)) writeFileSync(file, MD_HEADER);
  const missed = r.targets.filter((t) => t.pass === false).map((t) => t.name);
  const row = [
    r.date.slice(0, 16).replace('T', ' '),
    r.commit ?? '',
    String(r.cpus),
    String(r.durationSec),
    f0(r.redis.ingest.rps),
    f0(r.reference.ingest.rps),
    f2(ratio(r)),
    `${f1(r.redis.ingest.p50)}/${f1(r.redis.ingest.p99)}`,
    `${f0(r.redis.ingest.cpuUsPerReq)}/${f0(r.reference.ingest.cpuUsPerReq)}`,
    f1(r.redis.fixedRate.p99),
    `${f1(r.redis.e2e.p50)}/${f1(r.redis.e2e.p99)}`,
    f2(r.redis.e2e.cpuMsPerEvent),
    f1(r.redis.peakRssMb),
    `${f0(r.embedded.ingest.rps)}, ${f1(r.embedded.ingest.p50)}/${f1(r.embedded.ingest.p99)}`,
    missed.length ? missed.join('; ') : 'none',
  ];
  appendFileSync(file, `| ${row.join(' | ')} |\n`);
}
