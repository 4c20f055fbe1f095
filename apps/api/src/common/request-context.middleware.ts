import { randomUUID } from 'node:crypto';
import type { NextFunction, Response } from 'express';
import { JsonLogger } from '@app/config';
import { DrainState } from './drain-state';
import { HttpMetrics } from './http-metrics';
import { AuthedRequest } from './principal';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Gives every request an id (the caller's X-Request-Id when sane), then logs and measures it when
 * the response finishes. It logs the route pattern, never the body or query, so no secret leaks.
 */
export function requestContext(logger: JsonLogger, metrics: HttpMetrics, drain: DrainState) {
  return (request: AuthedRequest, response: Response, next: NextFunction): void => {
    // A draining node asks keep-alive clients to reconnect (through the load balancer, elsewhere).
    if (drain.draining) response.setHeader('Connection', 'close');
    const incoming = request.header('x-request-id');
    request.requestId = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    response.setHeader('X-Request-Id', request.requestId);
    // API answers carry private keys, webhook secrets and tenants' data: no cache keeps them, and no
    // browser guesses their type. (The job list overrides the first: it revalidates by ETag; the
    // console's files set their own.)
    if (request.path.startsWith('/v2/')) response.setHeader('Cache-Control', 'no-store');
    response.setHeader('X-Content-Type-Options', 'nosniff');
    const started = process.hrtime.bigint();
    response.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = (request.route?.path as string | undefined) ?? 'unmatched';
      metrics.requests.inc({ method: request.method, route, status: String(response.statusCode) });
      metrics.duration.observe({ method: request.method, route }, seconds);
      logger.write(response.statusCode >= 500 ? 'error' : 'info', 'request', {
        requestId: request.requestId,
        method: request.method,
        route,
        status: response.statusCode,
        ms: Math.round(seconds * 1000),
        user: request.principal?.user.username,
      });
    });
    next();
  };
}

/** 415 for a request that carries a body that is not JSON. Bodiless POSTs (logout, stop) are fine. */
export function requireJsonBody(request: AuthedRequest, response: Response, next: NextFunction): void {
  const hasBody = Number(request.headers['content-length'] ?? 0) > 0 || request.headers['transfer-encoding'] !== undefined;
  if (hasBody && !request.is('application/json')) {
    response.status(415).json({ message: 'Content-Type must be application/json' });
    return;
  }
  next();
}
