import type { QueueStatus } from '@seatrush/shared';

/**
 * The admission token the waiting room hands out: a capability for one showtime's shopping window, so it lives in
 * sessionStorage (this tab), keyed by showtime, until it expires. Hold calls send it as `X-Admission-Token`.
 */
const KEY = 'seatrush.admission';

type Stored = Record<string, { token: string; expiresAt: string }>;

function read(): Stored {
  try {
    return JSON.parse(sessionStorage.getItem(KEY) ?? '{}') as Stored;
  } catch {
    return {};
  }
}

/** The admission token for a showtime, while its window is open. */
export function admissionToken(showtimeId: string): string | undefined {
  const t = read()[showtimeId];
  return t && Date.parse(t.expiresAt) > Date.now() ? t.token : undefined;
}

/** The `X-Admission-Token` header for a hold on this showtime (empty when there is no token). */
export function admissionHeader(showtimeId: string): Record<string, string> {
  const t = admissionToken(showtimeId);
  return t ? { 'X-Admission-Token': t } : {};
}

export function remember(status: QueueStatus): QueueStatus {
  if (status.admission) {
    try {
      sessionStorage.setItem(KEY, JSON.stringify({ ...read(), [status.showtimeId]: status.admission }));
    } catch {
      // storage disabled: the page still carries the token for this visit
    }
  }
  return status;
}
