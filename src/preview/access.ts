/**
 * Who may use the preview: the machine it runs on. The socket's peer must be loopback (not
 * `req.ip`: the app trusts X-Forwarded-For, which a sender writes), no proxy header may name
 * another host (a local reverse proxy would otherwise make every visitor look local), and the
 * Host must be a loopback name, so a rebound DNS name cannot drive the page from another site.
 * `PREVIEW_ALLOW_REMOTE=1` lifts all three.
 */

import { isIP } from 'node:net';
import type { NextFunction, Request, Response } from 'express';

export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const a = address
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '');
  if (a === '::1' || a === '0:0:0:0:0:0:0:1') return true;
  const v4 = a.startsWith('::ffff:') ? a.slice(7) : a;
  return isIP(v4) === 4 && v4.startsWith('127.');
}

/** `127.0.0.1:3000`, `localhost:3000`, `[::1]:3000`: the names that reach only this machine. */
export function isLoopbackHost(host: string | undefined): boolean {
  if (!host) return false;
  const h = host.trim().toLowerCase();
  const name = h.startsWith('[') ? h.slice(0, h.indexOf(']') + 1) : h.replace(/:\d+$/, '');
  return name === 'localhost' || isLoopbackAddress(name);
}

/** Every address a proxy header names (X-Forwarded-For, X-Real-IP, Forwarded: for=…). */
function forwardedAddresses(req: Request): string[] {
  const list = (v: string | string[] | undefined) =>
    (Array.isArray(v) ? v.join(',') : (v ?? ''))
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  const forwarded = list(req.headers.forwarded).flatMap((part) =>
    [...part.matchAll(/for="?([^";,]+)"?/gi)].map((m) => m[1].replace(/:\d+$/, '')),
  );
  return [...list(req.headers['x-forwarded-for']), ...list(req.headers['x-real-ip']), ...forwarded];
}

export function isLocalRequest(req: Request): boolean {
  return (
    isLoopbackAddress(req.socket.remoteAddress) && forwardedAddresses(req).every(isLoopbackAddress) && isLoopbackHost(req.headers.host)
  );
}

export function previewAccess(allowRemote: boolean) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (allowRemote || isLocalRequest(req)) return next();
    res.status(403).json({
      status: 'error',
      reason: 'the preview answers only on this machine (127.0.0.1); set PREVIEW_ALLOW_REMOTE=1 to open it to others',
    });
  };
}

/**
 * Changes need a header a plain cross-site form or `fetch` cannot send without a CORS preflight
 * (which this app never grants), so another open tab cannot click for you.
 */
export function previewWriteGuard(req: Request, res: Response, next: NextFunction) {
  if (req.headers['x-threadline-preview'] === '1' && /^application\/json\b/i.test(req.headers['content-type'] ?? '')) return next();
  res.status(403).json({ status: 'error', reason: 'preview changes come from the preview page' });
}
