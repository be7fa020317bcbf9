import { describe, expect, it } from 'vitest';
import { sign, verify } from '../../src/connections/signed.js';

const SECRET = 'state-secret-for-tests';

describe('signed values', () => {
  it('gives back the payload while fresh, for its own purpose only', () => {
    const v = sign(SECRET, 'state', { t: 'T1', u: 'U1' }, 600_000, 1_000);
    expect(verify(SECRET, 'state', v, 1_000 + 599_999)).toEqual({ ok: true, payload: { t: 'T1', u: 'U1' } });
    expect(verify(SECRET, 'state', v, 1_000 + 600_000)).toEqual({ ok: false, reason: 'expired' });
    expect(verify(SECRET, 'cookie', v, 1_000)).toEqual({ ok: false, reason: 'forged' });
    expect(verify('another-secret', 'state', v, 1_000)).toEqual({ ok: false, reason: 'forged' });
  });

  it('refuses a changed payload, a cut mac, and garbage', () => {
    const v = sign(SECRET, 'state', { t: 'T1', u: 'U1' }, 600_000, 1_000);
    const [body, mac] = v.split('.') as [string, string];
    const other = Buffer.from(JSON.stringify({ t: 'T2', u: 'U1', exp: 1e15 })).toString('base64url');
    for (const bad of [`${other}.${mac}`, `${body}.${mac.slice(0, -2)}`, `${body}.`, body, '', 'a.b.c', undefined]) {
      expect(verify(SECRET, 'state', bad, 1_000)).toEqual({ ok: false, reason: 'forged' });
    }
  });
});
