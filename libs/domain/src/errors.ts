/**
 * Errors services throw. One exception filter maps each kind to its status code, so no service
 * knows about HTTP and no controller invents a status.
 */
export type DomainErrorKind =
  | 'validation'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'too_many'
  | 'unavailable';

export interface FieldError {
  field: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    message: string,
    readonly errors?: FieldError[],
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

export const invalid = (field: string, message: string): DomainError =>
  new DomainError('validation', `${field}: ${message}`, [{ field, message }]);
export const notFound = (what: string): DomainError => new DomainError('not_found', `${what} not found`);
export const conflict = (message: string): DomainError => new DomainError('conflict', message);
export const forbidden = (message: string): DomainError => new DomainError('forbidden', message);
export const unauthenticated = (message = 'Authentication required: send a valid bearer token'): DomainError =>
  new DomainError('unauthenticated', message);

/** The exact message API.md prescribes for a failed login, the same for an unknown user and a wrong password. */
export const BAD_CREDENTIALS = "We didn't recognize the username or password you entered. Please try again.";
