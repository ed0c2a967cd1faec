import type { NextFunction, Request, Response } from 'express';
import { errorStatus, type ErrorBody } from '@seatrush/shared';
import { DomainError } from '../domain/errors.ts';
import { OUTAGE_RETRY_AFTER_SECONDS, outageError } from '../db/outage.ts';
import type { Logger } from '../observability/logger.ts';

/** The error envelope and its HTTP status (shared by Express and the hot-path dispatcher). */
export function errorEnvelope(err: DomainError): { status: number; body: { ok: false; error: ErrorBody } } {
  const body: ErrorBody = { code: err.code, message: err.message };
  if (err.issues?.length) body.issues = err.issues;
  if (err.details) body.details = err.details;
  return { status: errorStatus[err.code], body: { ok: false, error: body } };
}

/** Seconds a client should wait before trying again (`Retry-After`), for the codes that mean "later". */
export function retryAfterOf(err: DomainError): number | undefined {
  if (err.code === 'busy') return 1;
  if (err.code !== 'unavailable' && err.code !== 'rate_limited') return undefined;
  const given = err.details?.retryAfterSeconds;
  if (typeof given === 'number' && given > 0) return Math.ceil(given);
  return err.code === 'unavailable' ? OUTAGE_RETRY_AFTER_SECONDS : undefined;
}

export function sendError(res: Response, err: DomainError): void {
  const { status, body } = errorEnvelope(err);
  const retryAfter = retryAfterOf(err);
  if (retryAfter !== undefined) res.setHeader('retry-after', String(retryAfter));
  res.status(status).json(body);
}

/**
 * Maps body-parser failures to precise 4xx codes, a database transaction that timed out under load to `busy`
 * (503) and PostgreSQL or Redis being unreachable to `unavailable` (503, db/outage.ts); anything unknown becomes
 * `internal` (logged, no stack out). Used by every transport: Express, the hot path and socket acks.
 */
export function toDomainError(err: unknown): DomainError | null {
  if (err instanceof DomainError) return err;
  const outage = outageError(err);
  if (outage) return outage;
  const e = err as { type?: string; status?: number; message?: string; code?: unknown };
  if (e?.type === 'entity.parse.failed')
    return new DomainError('malformed_json', `The request body is not valid JSON: ${e.message ?? ''}`.trim());
  if (e?.type === 'entity.too.large') return new DomainError('payload_too_large');
  // Prisma: a transaction that could not get a pool connection (or ran out of time) under a burst.
  if (e?.code === 'P2028') return new DomainError('busy');
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported')
    return new DomainError('unsupported_media_type');
  // Other 4xx from middleware (e.g. a missing static file): a stable code, never the raw message (it can hold paths).
  if (e?.status === 404) return new DomainError('not_found');
  if (e?.status && e.status >= 400 && e.status < 500) return new DomainError('validation_failed');
  return null;
}

export function errorMiddleware(logger: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const mapped = toDomainError(err);
    if (mapped) return sendError(res, mapped);
    const log = (req as Request & { log?: Logger }).log ?? logger;
    log.error({ err }, 'unhandled error');
    if (!res.headersSent) sendError(res, new DomainError('internal'));
  };
}
