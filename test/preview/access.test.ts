import { describe, expect, it } from 'vitest';
import { isLoopbackAddress, isLoopbackHost } from '../../src/preview/access.js';
import { readConfig } from '../../src/config.js';

describe('who may use the preview', () => {
  it('takes 127.0.0.0/8 and ::1 (also IPv4-mapped) as loopback, nothing else', () => {
    for (const a of ['127.0.0.1', '127.3.2.1', '::1', '::ffff:127.0.0.1', '[::1]']) expect(isLoopbackAddress(a), a).toBe(true);
    for (const a of ['10.0.0.1', '128.0.0.1', '::ffff:10.0.0.1', '::2', '0.0.0.0', 'localhost', '127.0.0.1.example.com', '', undefined])
      expect(isLoopbackAddress(a), String(a)).toBe(false);
  });

  it('takes only loopback Host names, with or without a port', () => {
    for (const h of ['127.0.0.1:3000', 'localhost:3000', 'LOCALHOST', '[::1]:3000', '127.0.0.2']) expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ['example.com', 'localhost.example.com:3000', '127.0.0.1.nip.io', '[::2]:3000', undefined])
      expect(isLoopbackHost(h), String(h)).toBe(false);
  });

  it('reads PREVIEW_ALLOW_REMOTE as 1 or unset, refusing anything else', () => {
    expect(readConfig({}).preview.allowRemote).toBe(false);
    expect(readConfig({ PREVIEW_ALLOW_REMOTE: '1' }).preview.allowRemote).toBe(true);
    expect(readConfig({ PREVIEW_ALLOW_REMOTE: '0' }).preview.allowRemote).toBe(false);
    expect(() => readConfig({ PREVIEW_ALLOW_REMOTE: 'yes' })).toThrow(/PREVIEW_ALLOW_REMOTE/);
  });
});
