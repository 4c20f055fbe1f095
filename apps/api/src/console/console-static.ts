import * as fs from 'node:fs';
import * as path from 'node:path';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import * as express from 'express';

/** Paths the console never answers, so it cannot shadow the API, socket.io or the operating endpoints. */
const RESERVED = /^\/(v2|socket\.io|healthz|readyz|metrics)(\/|$)/;

/**
 * The console's policy: its own scripts, styles and API only (the socket.io WebSocket is same
 * origin, which `'self'` covers); no inline script, no framing, no plugins.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

function securityHeaders(response: Response): void {
  response.setHeader('Content-Security-Policy', CONSOLE_CSP);
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('Referrer-Policy', 'no-referrer');
  response.setHeader('X-Frame-Options', 'DENY');
}

/**
 * Serves the web console built into `root` (dist/web): hashed files under /assets/ with a year's
 * cache, and index.html (never cached, so a new build is picked up at once) for every other GET
 * that looks like a page, so deep links such as /jobs/<id>/executions/<id> work. Plain express
 * middleware ahead of Nest's router: it answers only what it owns and passes everything else on.
 * Answers null when no console was built (the api then serves the API alone).
 */
export function consoleStatic(root: string): RequestHandler | null {
  const indexFile = path.join(root, 'index.html');
  if (!fs.existsSync(indexFile)) return null;
  const index = fs.readFileSync(indexFile);
  const assets = express.static(root, {
    index: false,
    fallthrough: true,
    immutable: true,
    maxAge: '365d',
    setHeaders: (response) => securityHeaders(response),
  });
  return (request: Request, response: Response, next: NextFunction): void => {
    if ((request.method !== 'GET' && request.method !== 'HEAD') || RESERVED.test(request.path)) return next();
    if (request.path.startsWith('/assets/')) return assets(request, response, next);
    // A path with a file extension that is not an asset (favicon.ico, robots.txt) is not a page.
    if (path.extname(request.path)) return next();
    securityHeaders(response);
    response.setHeader('Cache-Control', 'no-cache');
    response.type('html').send(index);
  };
}
