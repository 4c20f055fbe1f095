import type { NextFunction, Request, Response } from 'express';

/**
 * The Runner's GA paths (API.md "The Runner's GA paths"): its clients called
 * `https://api.runner.ctl.io/{resource}/{alias}…` and accepted only 200 and 204. This one
 * middleware serves those paths: it rewrites each to its `/v2/automation/…` twin (so one controller,
 * one set of checks, serves both) and adapts the answer to what those clients read: 201 and 202
 * become 200, the service-account list is `{accounts: […]}`, the users a key pair is deployed for
 * are a bare array.
 *
 * The console's pages live on the same paths (`/jobs/…` in the browser): a GET that asks for HTML
 * (a browser's navigation sends `Accept: text/html…`) is the console's; every other request is the
 * API's. Programs send `application/json` or `*\/*`, never text/html first.
 */
const GA_PATH = /^\/(jobs|status|keypairs|serviceAccounts)(\/|$)/;

/** Answer shapes that differ from /v2's, by the /v2 path they were served under. */
const SHAPES: { method: string; path: RegExp; shape: (body: unknown) => unknown }[] = [
  { method: 'GET', path: /^\/v2\/automation\/serviceAccounts\/[^/]+$/, shape: (body) => ({ accounts: body }) },
  { method: 'GET', path: /^\/v2\/automation\/keypairs\/[^/]+\/[^/]+\/[^/]+$/, shape: (body) => (body as { usernames: string[] }).usernames },
];

export function runnerGaPaths(request: Request, response: Response, next: NextFunction): void {
  const [pathname] = request.url.split('?');
  if (!GA_PATH.test(pathname)) return next();
  if ((request.method === 'GET' || request.method === 'HEAD') && wantsPage(request)) return next();
  request.url = `/v2/automation${request.url}`;
  const status = response.status.bind(response);
  response.status = (code: number) => status(code === 201 || code === 202 ? 200 : code);
  const shape = SHAPES.find((s) => s.method === request.method && s.path.test(`/v2/automation${pathname}`))?.shape;
  if (shape) {
    const json = response.json.bind(response);
    response.json = (body: unknown) => json(response.statusCode < 300 ? shape(body) : body);
  }
  next();
}

/** A browser's navigation: HTML asked for before JSON. */
function wantsPage(request: Request): boolean {
  const accept = request.headers.accept ?? '';
  return /text\/html/.test(accept) && request.accepts(['html', 'json']) === 'html';
}
