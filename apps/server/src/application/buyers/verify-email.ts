import type { VerifiedSessionDto } from '@seatrush/shared';
import { writeAudit } from '../../audit/audit.ts';
import type { BuyerSessions } from '../../auth/buyer.ts';
import type { BuyerPrincipal } from '../../auth/principal.ts';
import type { VerificationCodes } from '../../auth/verification-codes.ts';
import type { PrismaClient } from '../../db/prisma.ts';
import { DomainError } from '../../domain/errors.ts';

export interface VerifyEmailDeps {
  codes: VerificationCodes;
  prisma: PrismaClient;
  sessions: BuyerSessions;
  now?: () => Date;
}

/**
 * Checks the session's one-time code. On success the buyer's e-mail is marked verified (`Buyer.emailVerifiedAt`,
 * the first time), a `buyer.verified` audit entry is written, and the session is re-issued with the `verified`
 * claim — the same session id, so the holds it made stay its own.
 *
 * Errors: `unauthenticated`, `invalid_transition` (already verified), `verification_code_expired`,
 * `verification_code_invalid` (details: `attemptsLeft`), `verification_attempts_exceeded`.
 */
export async function verifyEmail(
  deps: VerifyEmailDeps,
  buyer: BuyerPrincipal,
  code: string,
): Promise<VerifiedSessionDto> {
  const sessionId = buyer.sessionId;
  if (!sessionId) throw new DomainError('unauthenticated', 'Start a buyer session first.');
  if (buyer.verified)
    throw new DomainError('invalid_transition', 'This session has already proved its e-mail.');
  await deps.codes.check(sessionId, buyer.email, code);
  const at = deps.now?.() ?? new Date();
  await deps.prisma.$transaction(async (tx) => {
    const first = await tx.buyer.updateMany({
      where: { id: buyer.buyerId, emailVerifiedAt: null },
      data: { emailVerifiedAt: at },
    });
    await writeAudit(tx, {
      actor: `buyer:${buyer.buyerId}`,
      action: 'buyer.verified',
      entityType: 'buyer',
      entityId: buyer.buyerId,
      after: { firstTime: first.count === 1, at },
    });
  });
  const { token, expiresAt } = deps.sessions.issue(buyer.buyerId, buyer.email, { verified: true, sessionId });
  return {
    buyerId: buyer.buyerId,
    email: buyer.email,
    token,
    expiresAt: expiresAt.toISOString(),
    verified: true,
  };
}
