import { errorCodes, errorMessages, type ErrorCode, type Issue } from '@seatrush/shared';

const known = new Set<string>(errorCodes);

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && known.has(value);
}

/**
 * A failed API call. `code` is always one of the shared catalogue's codes: transport failures become
 * `network` (mapped to a human message here, not a catalogue code) and unknown server codes `internal`.
 */
export class ApiError extends Error {
  readonly code: ErrorCode | 'network';
  readonly status: number;
  readonly issues: Issue[];
  readonly details: Record<string, unknown>;
  readonly serverMessage: string;

  constructor(
    code: ErrorCode | 'network',
    status: number,
    serverMessage = '',
    issues: Issue[] = [],
    details: Record<string, unknown> = {},
  ) {
    super(humanMessage(code));
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
    this.serverMessage = serverMessage;
    this.issues = issues;
    this.details = details;
  }

  /** Seat labels named by a `seat_unavailable` error (details.seats), if any. */
  get seats(): string[] {
    const s = this.details.seats;
    return Array.isArray(s) ? s.filter((x): x is string => typeof x === 'string') : [];
  }
}

export const networkMessage = 'We could not reach Seatrush. Check your connection; we will keep trying.';

/** The message a person sees for an error code; never the raw server text. */
export function humanMessage(code: string): string {
  if (code === 'network') return networkMessage;
  if (isErrorCode(code)) return errorMessages[code];
  return errorMessages.internal;
}

/**
 * A message for anything thrown — API errors by code, everything else generic. `seatText` names a seat label the
 * way the map does ("Stalls, row A, seat 20"); without it the label is shown as it is.
 */
export function messageFor(err: unknown, seatText: (label: string) => string = (l) => l): string {
  if (err instanceof ApiError) {
    if (err.code === 'seat_unavailable' && err.seats.length > 0) {
      const list =
        err.seats.slice(0, 5).map(seatText).join('; ') +
        (err.seats.length > 5 ? ` and ${err.seats.length - 5} more` : '');
      return `${humanMessage(err.code)} (${list})`;
    }
    if (err.code === 'limit_exceeded' && typeof err.details.limit === 'number') {
      return `${humanMessage(err.code)} The limit is ${err.details.limit} per buyer.`;
    }
    if (err.code === 'no_adjacent_seats' && typeof err.details.largestBlock === 'number') {
      const n = err.details.largestBlock;
      return n > 0
        ? `${humanMessage(err.code)} The most seats together in that category right now: ${n}.`
        : `${humanMessage(err.code)} That category has no seats left right now.`;
    }
    return err.message;
  }
  return errorMessages.internal;
}
