/**
 * The Slack client's fetch over node:http: what the Web API client reads of an answer, a timeout
 * through the signal, redirects refused, answers over the limit refused, and bodies it does not
 * handle passed to the global fetch. Against a real server on 127.0.0.1.
 */

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpFetch } from '../../src/delivery/http-fetch.js';

describe('createHttpFetch', () => {
  let server: http.Server;
  let base: string;
  const seen: { method?: string; headers: http.IncomingHttpHeaders; body: string }[] = [];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        seen.push({ method: req.method, headers: req.headers, body });
        if (req.url === '/slow') return void setTimeout(() => res.end('{}'), 2000);
        if (req.url === '/redirect') {
          res.writeHead(302, { location: 'http://example.invalid/' });
          return void res.end();
        }
        if (req.url === '/big') return void res.end('x'.repeat(2048));
        if (req.url === '/limited') {
          res.writeHead(429, { 'retry-after': '7' });
          return void res.end('{"ok":false,"error":"ratelimited"}');
        }
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'x-oauth-scopes': 'chat:write' });
        res.end(JSON.stringify({ ok: true, echo: body }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('posts the body with its length and answers status, headers, text and json', async () => {
    const f = createHttpFetch();
    const res = await f(`${base}/api/chat.postMessage`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: 'Bearer xoxb-1' },
      body: 'channel=C1&text=h%C3%A9',
    });
    expect(res.status).toBe(200);
    expect(res.ok).toBe(true);
    expect(res.headers.get('X-OAuth-Scopes')).toBe('chat:write');
    expect(Object.fromEntries(res.headers.entries())).toMatchObject({ 'x-oauth-scopes': 'chat:write' });
    expect(JSON.parse(await res.text())).toEqual({ ok: true, echo: 'channel=C1&text=h%C3%A9' });
    const last = seen[seen.length - 1];
    expect(last.method).toBe('POST');
    expect(last.headers['content-length']).toBe(String(Buffer.byteLength('channel=C1&text=h%C3%A9')));
    expect(last.headers.authorization).toBe('Bearer xoxb-1');
  });

  it('hands back a 429 with its Retry-After for the client to read', async () => {
    const res = await createHttpFetch()(`${base}/limited`, { method: 'POST', body: 'a=1' });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
  });

  it('rejects with the signal when it times out', async () => {
    const signal = AbortSignal.timeout(100);
    await expect(createHttpFetch()(`${base}/slow`, { method: 'POST', body: 'a=1', signal })).rejects.toMatchObject({
      name: 'TimeoutError',
    });
  });

  it('refuses a redirect instead of following it', async () => {
    await expect(createHttpFetch()(`${base}/redirect`, { method: 'POST', body: 'a=1' })).rejects.toThrow(/redirect refused/);
  });

  it('refuses an answer over its limit', async () => {
    await expect(createHttpFetch({ maxBodyBytes: 1024 })(`${base}/big`, { method: 'POST', body: 'a=1' })).rejects.toThrow(/over 1024/);
  });

  it('passes a body it does not handle (FormData) to the global fetch', async () => {
    const form = new FormData();
    form.append('a', '1');
    const res = await createHttpFetch()(`${base}/form`, { method: 'POST', body: form });
    expect(res.status).toBe(200);
    expect(seen[seen.length - 1].headers['content-type']).toMatch(/^multipart\/form-data/);
  });
});
