import { z } from 'zod';

/**
 * The one catalogue of error codes. HTTP responses and socket acks both carry these; clients show a
 * message per code (see `errorMessages`) and never a raw server message.
 */
export const errorCodes = [
  'validation_failed',
  'malformed_json',
  'payload_too_large',
  'unsupported_media_type',
  'not_found',
  'unauthenticated',
  'forbidden',
  'csrf_failed',
  'rate_limited',
  'conflict',
  'duplicate',
  'layout_locked',
  'invalid_transition',
  'sale_not_open',
  'seat_unavailable',
  'seat_unknown',
  'zone_unknown',
  'sold_out',
  'limit_exceeded',
  'no_adjacent_seats',
  'hold_not_found',
  'hold_expired',
  'hold_token_invalid',
  'hold_already_extended',
  'admission_required',
  'admission_token_invalid',
  'admission_token_expired',
  'admission_token_wrong_buyer',
  'admission_token_wrong_showtime',
  'waiting_room_off',
  'waiting_room_closed',
  'challenge_required',
  'challenge_failed',
  'verification_required',
  'verification_code_invalid',
  'verification_code_expired',
  'verification_attempts_exceeded',
  'idempotency_conflict',
  'payment_declined',
  'payment_failed',
  'webhook_invalid',
  'refund_not_allowed',
  'ticket_invalid',
  'ticket_wrong_showtime',
  'ticket_not_valid',
  'ticket_already_redeemed',
  'not_ready',
  'busy',
  'unavailable',
  'internal',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

/** Exhaustive: a new code cannot be added without choosing its HTTP status. */
export const errorStatus: Record<ErrorCode, number> = {
  validation_failed: 400,
  malformed_json: 400,
  payload_too_large: 413,
  unsupported_media_type: 415,
  not_found: 404,
  unauthenticated: 401,
  forbidden: 403,
  csrf_failed: 403,
  rate_limited: 429,
  conflict: 409,
  duplicate: 409,
  layout_locked: 409,
  invalid_transition: 409,
  sale_not_open: 409,
  seat_unavailable: 409,
  seat_unknown: 400,
  zone_unknown: 400,
  sold_out: 409,
  limit_exceeded: 409,
  no_adjacent_seats: 409,
  hold_not_found: 404,
  hold_expired: 410,
  hold_token_invalid: 403,
  hold_already_extended: 409,
  admission_required: 403,
  admission_token_invalid: 403,
  admission_token_expired: 403,
  admission_token_wrong_buyer: 403,
  admission_token_wrong_showtime: 403,
  waiting_room_off: 409,
  waiting_room_closed: 409,
  challenge_required: 403,
  challenge_failed: 403,
  verification_required: 403,
  verification_code_invalid: 400,
  verification_code_expired: 410,
  verification_attempts_exceeded: 429,
  idempotency_conflict: 409,
  payment_declined: 402,
  payment_failed: 502,
  webhook_invalid: 400,
  refund_not_allowed: 409,
  ticket_invalid: 400,
  ticket_wrong_showtime: 409,
  ticket_not_valid: 409,
  ticket_already_redeemed: 409,
  not_ready: 503,
  busy: 503,
  unavailable: 503,
  internal: 500,
};

/** What a person is shown for each code. */
export const errorMessages: Record<ErrorCode, string> = {
  validation_failed: 'Some of the information sent is not valid.',
  malformed_json: 'The request body is not valid JSON.',
  payload_too_large: 'The request is too large.',
  unsupported_media_type: 'Send the request body as JSON.',
  not_found: 'We could not find that.',
  unauthenticated: 'Please sign in first.',
  forbidden: 'You are not allowed to do that.',
  csrf_failed: 'This request came from an untrusted page and was refused.',
  rate_limited: 'Too many attempts. Please wait a moment and try again.',
  conflict: 'That conflicts with the current state. Refresh and try again.',
  duplicate: 'That is already taken: choose another.',
  layout_locked: 'The seat layout cannot change once tickets have been sold.',
  invalid_transition: 'That action is not possible in the current state.',
  sale_not_open: 'Tickets are not on sale right now.',
  seat_unavailable: 'Sorry, one or more of those seats were just taken.',
  seat_unknown: 'One or more of those seats do not exist.',
  zone_unknown: 'That area does not exist.',
  sold_out: 'Sold out — there are no tickets left right now.',
  limit_exceeded: 'You have reached the ticket limit for this show.',
  no_adjacent_seats: 'We could not find that many seats together. Try fewer seats or another category.',
  hold_not_found: 'That reservation no longer exists.',
  hold_expired: 'Your reservation expired and the seats were released.',
  hold_token_invalid: 'That reservation belongs to someone else.',
  hold_already_extended: 'Your reservation has already been extended once.',
  admission_required:
    'This sale has a waiting room: join the queue and wait for your turn before choosing seats.',
  admission_token_invalid: 'Your admission pass is not valid. Rejoin the queue from the event page.',
  admission_token_expired: 'Your shopping time is over. Rejoin the queue to try again.',
  admission_token_wrong_buyer: 'That admission pass belongs to someone else.',
  admission_token_wrong_showtime: 'That admission pass is for another show.',
  waiting_room_off: 'This sale has no waiting room: go straight to the seats.',
  waiting_room_closed: 'The waiting room for this sale is closed.',
  challenge_required:
    'This queue asks your browser to solve a short puzzle first: reload the page to get it.',
  challenge_failed: 'The browser check did not pass (or was used already). Reload the page to try again.',
  verification_required:
    'This sale is for verified buyers: confirm your e-mail address with the code we send you.',
  verification_code_invalid: 'That code is not right. Check the e-mail and try again.',
  verification_code_expired: 'That code has expired or was never sent. Ask for a new code.',
  verification_attempts_exceeded: 'Too many wrong codes. Ask for a new code.',
  idempotency_conflict: 'This request was already used with different details.',
  payment_declined: 'Your payment was declined. You can try another card while your reservation lasts.',
  payment_failed: 'The payment could not be completed. Please try again.',
  webhook_invalid: 'The notification could not be verified.',
  refund_not_allowed: 'This order cannot be refunded.',
  ticket_invalid: 'This is not one of our tickets (or the code is mistyped).',
  ticket_wrong_showtime: 'This ticket is for another show.',
  ticket_not_valid: 'This ticket does not admit anyone (refunded or cancelled).',
  ticket_already_redeemed: 'This ticket has already been scanned.',
  not_ready: 'The service is starting up. Please try again shortly.',
  busy: 'We are very busy right now and could not finish that. Please try again in a moment.',
  unavailable: 'Part of our service is briefly unavailable. Please try again in a few seconds.',
  internal: 'Something went wrong on our side. Please try again.',
};

export const errorCodeSchema = z.enum(errorCodes);

export const issueSchema = z.object({ path: z.string(), message: z.string() });
export type Issue = z.infer<typeof issueSchema>;

export const errorBodySchema = z.object({
  code: errorCodeSchema,
  message: z.string(),
  issues: z.array(issueSchema).optional(),
  /** Extra structured detail, e.g. the seats that were unavailable. */
  details: z.record(z.string(), z.unknown()).optional(),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** The envelope shared by HTTP error bodies and socket acks. */
export type Envelope<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };

/** Turns zod issues into `{ path, message }` pairs that name the field precisely (`seats.3.x`). */
export function zodIssues(error: z.ZodError): Issue[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(body)', message: i.message }));
}

/** The issue message for a string that holds a NUL character. */
export const NUL_MESSAGE = 'Must not contain a NUL (\\u0000) character.';

/**
 * Where in `value` (a parsed JSON body, query or socket payload) a string — or an object key — holds a NUL
 * character, as an issue path (`seats.3`, `(body)` for the value itself), or null when none does. PostgreSQL text
 * cannot store NUL, so such input is refused at the edge (`validation_failed`) instead of failing in the database.
 * Iterative, so no nesting depth can overflow the stack.
 */
export function nulBytePath(value: unknown): string | null {
  const stack: Array<[unknown, string]> = [[value, '']];
  while (stack.length > 0) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return path || '(body)';
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], path ? `${path}.${i}` : String(i)]);
    } else if (v !== null && typeof v === 'object') {
      for (const [k, inner] of Object.entries(v)) {
        const p = path ? `${path}.${k}` : k;
        if (k.includes('\u0000')) return p;
        stack.push([inner, p]);
      }
    }
  }
  return null;
}
