import { availabilitySchema, buyerSessionSchema, holdResponseSchema } from '@seatrush/shared';
import { request } from './client.ts';
import { ApiError } from './errors.ts';
import type { AvailabilityDto, BuyerSessionDto, HoldRequest, HoldResponse } from './types.ts';
import { getStoredEmail, setStoredEmail } from './storage.ts';
import { admissionHeader } from './admission-token.ts';

const enc = encodeURIComponent;

/** Starts (or renews) the guest buyer session; the server sets the `sr_buyer` cookie. */
export async function startBuyerSession(email: string): Promise<BuyerSessionDto> {
  const session = await request('/api/buyer/session', {
    method: 'POST',
    body: { email },
    schema: buyerSessionSchema,
  });
  setStoredEmail(email);
  return session;
}

/**
 * Runs a buyer call; when the session cookie is missing or expired (`unauthenticated`) and we know the
 * email, renews the session once and retries.
 */
export async function withBuyerSession<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    const email = getStoredEmail();
    if (!(err instanceof ApiError) || err.code !== 'unauthenticated' || !email) throw err;
    await startBuyerSession(email);
    return call();
  }
}

/** With `withLabels: false` the server leaves out the label list (it changes only with the layout). */
export function getAvailability(
  showtimeId: string,
  withLabels: boolean,
  signal?: AbortSignal,
): Promise<AvailabilityDto> {
  const q = withLabels ? '' : '?seatLabels=false';
  return request(`/api/showtimes/${enc(showtimeId)}/availability${q}`, {
    signal,
    schema: availabilitySchema,
  });
}

/**
 * Holds seats or a GA quantity. `idempotencyKey` is made once per user action, so a retry of the same click
 * can never create a second hold. Errors: seat_unavailable (details.seats), sold_out, limit_exceeded,
 * sale_not_open, validation_failed.
 */
export function createHold(
  showtimeId: string,
  body: HoldRequest,
  idempotencyKey: string,
): Promise<HoldResponse> {
  return withBuyerSession(() =>
    request(`/api/showtimes/${enc(showtimeId)}/holds`, {
      method: 'POST',
      body,
      headers: { 'Idempotency-Key': idempotencyKey, ...admissionHeader(showtimeId) },
      schema: holdResponseSchema,
    }),
  );
}

export function releaseHold(holdId: string, holdToken: string): Promise<void> {
  return request<void>(`/api/holds/${enc(holdId)}`, {
    method: 'DELETE',
    headers: { Authorization: `Bearer ${holdToken}` },
  });
}

export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}
