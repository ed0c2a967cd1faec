import { NUL_MESSAGE, nulBytePath, zodIssues, type Envelope, type ErrorBody } from '@seatrush/shared';
import type { z } from 'zod';
import { DomainError } from '../domain/errors.ts';
import { outageError } from '../db/outage.ts';
import type { Logger } from '../observability/logger.ts';

/** The error half of the ack envelope, built exactly like the HTTP error body. */
export function errorEnvelope(err: DomainError): { ok: false; error: ErrorBody } {
  const error: ErrorBody = { code: err.code, message: err.message };
  if (err.issues?.length) error.issues = err.issues;
  if (err.details) error.details = err.details;
  return { ok: false, error };
}

/** A token bucket: `burst` commands at once, refilled at `perSecond`. In memory, per socket. */
export function tokenBucket(burst: number, perSecond: number, now: () => number = Date.now): () => boolean {
  let tokens = burst;
  let last = now();
  return () => {
    const t = now();
    tokens = Math.min(burst, tokens + ((t - last) * perSecond) / 1000);
    last = t;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  };
}

export interface CommandContext {
  log: Logger;
  /** Whether the socket may run another command now (its rate limit). */
  allow: () => boolean;
}

/**
 * Wraps one socket command: drops it when there is no ack callback (nobody to answer, and a client that does not
 * wait for answers must not be able to make the node do work), refuses it over the socket's rate limit
 * (`rate_limited`), validates the payload with its zod schema, runs the use case and answers with the shared
 * envelope. A `DomainError` becomes its code, an outage of PostgreSQL or Redis `unavailable`; anything else is
 * logged with the socket's context and answered `internal`, never with a stack. Never throws, never rejects.
 */
export function command<S extends z.ZodType, T>(
  ctx: CommandContext,
  event: string,
  schema: S,
  run: (payload: z.infer<S>) => Promise<T>,
): (...args: unknown[]) => void {
  return (...args: unknown[]) => {
    const ack = args[args.length - 1];
    if (typeof ack !== 'function') {
      ctx.log.debug({ event }, 'socket command without ack ignored');
      return;
    }
    const reply = ack as (res: Envelope<T>) => void;
    if (!ctx.allow()) {
      reply(
        errorEnvelope(new DomainError('rate_limited', 'Too many requests on this connection; slow down.')),
      );
      return;
    }
    const payload = args.length > 1 ? args[0] : undefined;
    // As over HTTP (http/app.ts parsePart): PostgreSQL text cannot hold NUL, so it is refused here.
    const nul = nulBytePath(payload);
    if (nul !== null) {
      reply(
        errorEnvelope(
          new DomainError('validation_failed', `Invalid ${event}: ${nul} ${NUL_MESSAGE}`, undefined, [
            { path: nul, message: NUL_MESSAGE },
          ]),
        ),
      );
      return;
    }
    const parsed = schema.safeParse(payload);
    if (!parsed.success) {
      const issues = zodIssues(parsed.error);
      reply(
        errorEnvelope(
          new DomainError(
            'validation_failed',
            `Invalid ${event}: ${issues[0]?.path} ${issues[0]?.message}`,
            undefined,
            issues,
          ),
        ),
      );
      return;
    }
    run(parsed.data).then(
      (data) => reply({ ok: true, data }),
      (err: unknown) => {
        if (err instanceof DomainError) return reply(errorEnvelope(err));
        // PostgreSQL or Redis unreachable: `unavailable` with details.retryAfterSeconds, as HTTP answers 503.
        const outage = outageError(err);
        if (outage) {
          ctx.log.warn({ err: (err as Error).message, event }, 'a store is unreachable');
          return reply(errorEnvelope(outage));
        }
        ctx.log.error({ err, event }, 'socket command failed');
        reply(errorEnvelope(new DomainError('internal')));
      },
    );
  };
}
