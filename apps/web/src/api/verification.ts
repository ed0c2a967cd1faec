import {
  verificationCodeSentSchema,
  verifiedSessionSchema,
  type VerificationCodeSent,
  type VerifiedSessionDto,
} from '@seatrush/shared';
import { z } from 'zod';
import { request } from './client.ts';

/**
 * Verified buyers (docs/buyers.md): the session proves its e-mail with a one-time code sent there. A verified
 * session (the server re-issues the `sr_buyer` cookie) may hold where a showtime requires it and sees every hold
 * and order of its e-mail, not only those made in this browser.
 */

const buyerSessionInfoSchema = z.object({ buyerId: z.string(), email: z.string(), verified: z.boolean() });
export type BuyerSessionInfo = z.infer<typeof buyerSessionInfoSchema>;

/** The signed-in buyer and whether the session proved its e-mail (rejects `unauthenticated` without a session). */
export function getBuyerSession(signal?: AbortSignal): Promise<BuyerSessionInfo> {
  return request('/api/buyer/session', { signal, schema: buyerSessionInfoSchema });
}

/** Sends a one-time code to the session's e-mail (`rate_limited` with Retry-After during the cooldown). */
export function sendVerificationCode(): Promise<VerificationCodeSent> {
  return request('/api/buyer/session/code', { method: 'POST', body: {}, schema: verificationCodeSentSchema });
}

/** Checks the code; the server sets the verified session cookie. */
export function verifyEmailCode(code: string): Promise<VerifiedSessionDto> {
  return request('/api/buyer/session/verify', {
    method: 'POST',
    body: { code },
    schema: verifiedSessionSchema,
  });
}
