import { DomainError } from '../domain/errors.ts';

/** What clients are told to wait (`Retry-After`, and `details.retryAfterSeconds` in acks) while a store is down. */
export const OUTAGE_RETRY_AFTER_SECONDS = 5;

// Prisma: can't reach the server, connection timed out, operation timed out, server closed the connection, pool
// timeout, too many connections (the errors its pg driver adapter turns connection failures into).
const PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2037']);
// `@prisma/adapter-pg`'s DriverAdapterError kinds for the same failures.
const ADAPTER_KINDS = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
]);
// Socket errors (pg and ioredis both surface them as they are).
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);
// SQLSTATE: class 08 (connection exception), 57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect
// now (starting up / shutting down), 53300 too many connections. Not 08P01 (protocol violation): that is what a
// NUL byte inside a query's text gets, on a connection that stays up.
const SQLSTATE = /^(08(?!P01)[0-9A-Z]{3}|57P0[123]|53300)$/;
// Failures that carry no code: pg when the server vanishes mid-query ("Connection terminated unexpectedly"), its
// pool's connect timeout, ioredis when its connection is gone or its retries are used up.
const MESSAGES = [
  /^Connection terminated/i,
  /^timeout exceeded when trying to connect/i,
  /^Connection is closed\.?$/i,
  /^Stream isn't writeable/i,
  /^Reached the max retries per request limit/i,
];
const NAMES = new Set(['MaxRetriesPerRequestError']);

/**
 * Whether `err` says PostgreSQL or Redis cannot be reached right now (refused, dropped, shut down, pool or
 * connection timeout) — not that a query was wrong. Looks through the wrappers that Prisma, its driver adapter and
 * Node put around the original failure (`cause`, `meta.driverAdapterError`, `AggregateError.errors`).
 */
export function isOutage(err: unknown): boolean {
  const seen = new Set<unknown>();
  const visit = (e: unknown, depth: number): boolean => {
    if (!e || typeof e !== 'object' || depth > 6 || seen.has(e)) return false;
    seen.add(e);
    const x = e as {
      name?: unknown;
      code?: unknown;
      errorCode?: unknown;
      kind?: unknown;
      originalCode?: unknown;
      message?: unknown;
      cause?: unknown;
      meta?: { driverAdapterError?: unknown };
      errors?: unknown;
    };
    const code = typeof x.code === 'string' ? x.code : undefined;
    if (code && (PRISMA_CODES.has(code) || SOCKET_CODES.has(code) || SQLSTATE.test(code))) return true;
    if (typeof x.errorCode === 'string' && PRISMA_CODES.has(x.errorCode)) return true;
    if (typeof x.kind === 'string' && ADAPTER_KINDS.has(x.kind)) return true;
    if (typeof x.originalCode === 'string' && SQLSTATE.test(x.originalCode)) return true;
    if (typeof x.name === 'string' && NAMES.has(x.name)) return true;
    if (typeof x.message === 'string' && MESSAGES.some((m) => m.test(x.message as string))) return true;
    if (visit(x.cause, depth + 1) || visit(x.meta?.driverAdapterError, depth + 1)) return true;
    return Array.isArray(x.errors) && x.errors.some((inner) => visit(inner, depth + 1));
  };
  return visit(err, 0);
}

/** `unavailable` (503, retry after a few seconds) when `err` is an outage of PostgreSQL or Redis, else null. */
export function outageError(err: unknown): DomainError | null {
  if (err instanceof DomainError || !isOutage(err)) return null;
  return new DomainError('unavailable', undefined, { retryAfterSeconds: OUTAGE_RETRY_AFTER_SECONDS });
}
