/**
 * The minimal reference receiver the bench compares Threadline's ingest with: the least work a
 * correct Sentry webhook receiver does. Raw body, HMAC-SHA256 checked in constant time, a
 * `SET NX EX` dedup claim on the Request-ID and one `XADD` of the body, then 200. Run as its own
 * process (like the service) so both pay the same HTTP and process costs.
 *
 * env: PORT, REDIS_URL, REDIS_PREFIX, SENTRY_CLIENT_SECRET
 */

import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import express from 'express';
import { Redis } from 'ioredis';

const port = Number(process.env.PORT ?? 0);
const prefix = process.env.REDIS_PREFIX ?? 'tl-bench-ref:';
const secret = process.env.SENTRY_CLIENT_SECRET ?? '';
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 3 });
redis.on('error', () => undefined);

const HEX = /^[0-9a-f]{64}$/i;

function authentic(body: Buffer, header: string | undefined): boolean {
  if (!header || !HEX.test(header)) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  return timingSafeEqual(expected, Buffer.from(header, 'hex'));
}

const app = express();
app.disable('x-powered-by');
app.get('/healthz', (_req, res) => {
  res.json({ status: 'ok' });
});
app.post('/webhooks/sentry', express.raw({ type: () => true, limit: '1mb' }), async (req, res) => {
  const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  if (!authentic(body, req.header('sentry-hook-signature'))) {
    res.status(401).json({ status: 'error', reason: 'bad signature' });
    return;
  }
  const id = req.header('request-id') || createHash('sha256').update(body).digest('hex');
  try {
    const claimed = await redis.set(`${prefix}dedup:${id}`, '1', 'EX', 7 * 24 * 3600, 'NX');
    if (claimed !== 'OK') {
      res.json({ status: 'duplicate' });
      return;
    }
    await redis.xadd(`${prefix}deliveries`, '*', 'id', id, 'body', body);
    res.json({ status: 'accepted' });
  } catch {
    res.status(503).json({ status: 'error' });
  }
});

const server = app.listen(port, '127.0.0.1', () => {
  const addr = server.address();
  process.stdout.write(`${JSON.stringify({ listening: typeof addr === 'object' && addr ? addr.port : port })}\n`);
});

const stop = () => {
  server.close(() => {
    redis.disconnect();
    process.exit(0);
  });
  server.closeAllConnections();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
