import { ApiError } from '../api/index.ts';

/** How often the order page asks whether a PENDING order is paid yet. */
export const PENDING_POLL_MS = 2000;
/** The longest pause between two asks after failures. */
const MAX_BACKOFF_MS = 30_000;

/**
 * When the order page asks again (TanStack Query's `refetchInterval`): every 2 s while the order is PENDING; after
 * a failed ask, when the server said (`rate_limited` carries its Retry-After in `details.retryAfterSeconds`), else
 * twice as long after each failure in a row (up to 30 s) — a crowd of order pages must not keep a busy server
 * busier (docs/rehearsal.md). Not at all once the order is settled.
 */
export function nextOrderPollMs(
  status: string | undefined,
  error: unknown,
  failuresInARow: number,
): number | false {
  if (status !== 'PENDING') return false;
  if (!error || failuresInARow === 0) return PENDING_POLL_MS;
  const asked = error instanceof ApiError ? error.details.retryAfterSeconds : undefined;
  if (typeof asked === 'number' && asked > 0) return Math.max(PENDING_POLL_MS, Math.ceil(asked) * 1000);
  return Math.min(MAX_BACKOFF_MS, PENDING_POLL_MS * 2 ** Math.min(failuresInARow, 4));
}
