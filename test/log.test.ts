import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { createLogger, lazyChild, redactUrl } from '../src/log.js';

function capture(level = 'info') {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _e, cb) {
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  return { lines, logger: createLogger({ level, destination }) };
}

describe('logging', () => {
  it('redacts tokens, secrets, authorization and signature headers', () => {
    const { lines, logger } = capture();
    logger.info({ token: 'xoxb-1', headers: { authorization: 'Bearer x', 'sentry-hook-signature': 'abc' }, deep: { clientSecret: 's' } }, 'hello');
    const line = JSON.stringify(lines[0]);
    for (const secret of ['xoxb-1', 'Bearer x', 'abc', '"s"']) expect(line).not.toContain(secret);
  });

  it('strips ?token= from URLs', () => {
    expect(redactUrl('/webhooks/bugsee?a=1&token=secret&b=2')).toBe('/webhooks/bugsee?a=1&token=[Redacted]&b=2');
  });

  it('lazyChild carries its bindings and redaction, and writes nothing at disabled levels', () => {
    const { lines, logger } = capture('info');
    const log = lazyChild(logger, { reqId: 'r-1' });
    log.debug({ token: 'x' }, 'not written');
    log.info({ token: 'xoxb-2' }, 'written');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ reqId: 'r-1', msg: 'written', token: '[Redacted]' });
  });
});
