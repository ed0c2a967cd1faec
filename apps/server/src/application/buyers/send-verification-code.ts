import type { VerificationCodeSent } from '@seatrush/shared';
import type { BuyerPrincipal } from '../../auth/principal.ts';
import type { VerificationCodes } from '../../auth/verification-codes.ts';
import { DomainError } from '../../domain/errors.ts';
import type { Mailer } from '../../mail/mailer.ts';
import { verificationCodeMail } from '../../mail/templates.ts';

export interface SendVerificationCodeDeps {
  codes: VerificationCodes;
  mailer: Mailer;
  ttlSeconds: number;
  attempts: number;
}

/**
 * Sends a one-time code to the session's e-mail (the address it claims). The code proves the session can read that
 * mailbox; `verifyEmail` checks it.
 *
 * Errors: `unauthenticated` (no buyer session, or a session without an id), `invalid_transition` (already
 * verified), `rate_limited` (resend cooldown, with `retryAfterSeconds`), `unavailable` (the mail could not be sent:
 * the code is withdrawn, so asking again works at once).
 */
export async function sendVerificationCode(
  deps: SendVerificationCodeDeps,
  buyer: BuyerPrincipal,
): Promise<VerificationCodeSent> {
  if (!buyer.sessionId) throw new DomainError('unauthenticated', 'Start a buyer session first.');
  if (buyer.verified)
    throw new DomainError('invalid_transition', 'This session has already proved its e-mail.');
  const { code, expiresAt, resendAfter } = await deps.codes.issue(buyer.sessionId, buyer.email);
  const mail = verificationCodeMail(code, Math.round(deps.ttlSeconds / 60));
  try {
    await deps.mailer.send({ to: buyer.email, ...mail });
  } catch (err) {
    await deps.codes.withdraw(buyer.sessionId, buyer.email);
    throw err;
  }
  return {
    email: buyer.email,
    expiresAt: expiresAt.toISOString(),
    resendAfter: resendAfter.toISOString(),
    attempts: deps.attempts,
  };
}
