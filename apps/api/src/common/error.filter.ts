import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Inject } from '@nestjs/common';
import type { Response } from 'express';
import { DomainError, DomainErrorKind, FieldError } from '@app/domain';
import { JsonLogger } from '@app/config';
import { isDatabaseUnavailable } from '@app/database';
import { UnopenableSealedValue } from '@app/keys';
import { AuthedRequest } from './principal';

const STATUS: Record<DomainErrorKind, number> = {
  validation: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_many: 429,
  unavailable: 503,
};

const TOO_LARGE = 'Request body is larger than 1 MiB';

/** One place maps every error to the API's `{message, errors?}` body and status code. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  constructor(@Inject(JsonLogger) private readonly logger: JsonLogger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    // The realtime gateway answers each message through its ack and lets nothing escape; anything
    // that still does is a bug to see in the log, not an HTTP answer.
    if (host.getType() !== 'http') {
      this.logger.write('error', 'unhandled error outside HTTP', { type: host.getType(), error: String(error) });
      return;
    }
    const context = host.switchToHttp();
    const response = context.getResponse<Response>();
    const request = context.getRequest<AuthedRequest>();
    const { status, body, retryAfter } = this.describe(error, request);
    if (retryAfter) response.setHeader('Retry-After', String(retryAfter));
    if (response.headersSent) return;
    response.status(status).json(body);
  }

  private describe(
    error: unknown,
    request: AuthedRequest,
  ): { status: number; body: { message: string; errors?: FieldError[] }; retryAfter?: number } {
    if (error instanceof DomainError) {
      return {
        status: STATUS[error.kind],
        body: error.errors ? { message: error.message, errors: error.errors } : { message: error.message },
        retryAfter: error.retryAfterSeconds,
      };
    }
    if (error instanceof UnopenableSealedValue) {
      return { status: 409, body: { message: `${error.message}; send the secret again instead of "$encrypted$"` } };
    }
    if (error instanceof HttpException) {
      if (error.getStatus() === 413) return { status: 413, body: { message: TOO_LARGE } };
      const payload = error.getResponse();
      const message =
        typeof payload === 'string' ? payload : String((payload as { message?: unknown }).message ?? error.message);
      return { status: error.getStatus(), body: { message } };
    }
    // Errors of the express body parser arrive with their own status.
    const parser = error as { type?: string; status?: number };
    if (parser?.type === 'entity.too.large') return { status: 413, body: { message: TOO_LARGE } };
    if (parser?.type === 'entity.parse.failed') return { status: 400, body: { message: 'Request body is not valid JSON' } };
    if (typeof parser?.status === 'number' && parser.status >= 400 && parser.status < 500) {
      return { status: parser.status, body: { message: (error as Error).message } };
    }
    if (isDatabaseUnavailable(error)) {
      this.logger.write('warn', 'database unavailable', { requestId: request.requestId, error: (error as Error).message });
      return { status: 503, body: { message: 'The database is unavailable; try again shortly' }, retryAfter: 5 };
    }
    this.logger.write('error', 'unhandled error', {
      requestId: request.requestId,
      error: (error as Error)?.message,
      stack: (error as Error)?.stack,
    });
    return { status: 500, body: { message: `Internal error (request ${request.requestId ?? 'unknown'})` } };
  }
}
