import { errorMessages, type ErrorCode, type Issue } from '@seatrush/shared';

/**
 * A business failure with a stable code from the shared catalogue. Use cases throw it; the HTTP and
 * socket edges turn it into the error envelope. Anything else that is thrown is a bug (`internal`).
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly details?: Record<string, unknown>,
    readonly issues?: Issue[],
  ) {
    super(message ?? errorMessages[code]);
    this.name = 'DomainError';
  }
}

export const isDomainError = (e: unknown): e is DomainError => e instanceof DomainError;
