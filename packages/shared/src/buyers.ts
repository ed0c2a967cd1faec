import { z } from 'zod';

/**
 * Verified buyers (docs/buyers.md): a buyer session is an e-mail *claim* until it proves the address with a
 * one-time code sent there. `POST /api/buyer/session/code` sends the code, `POST /api/buyer/session/verify`
 * checks it and answers a new session token that carries the `verified` claim.
 */

/** Digits in a one-time code. */
export const VERIFICATION_CODE_LENGTH = 6;

/** `POST /api/buyer/session/code` takes no fields (the session names the e-mail). */
export const verificationCodeRequestSchema = z.strictObject({});
export type VerificationCodeRequest = z.infer<typeof verificationCodeRequestSchema>;

export const verificationCodeSentSchema = z.object({
  /** The address the code went to (the session's). */
  email: z.string(),
  /** When the code stops working. */
  expiresAt: z.iso.datetime(),
  /** When another code may be asked for. */
  resendAfter: z.iso.datetime(),
  /** Wrong codes allowed before a new one must be asked for. */
  attempts: z.int(),
});
export type VerificationCodeSent = z.infer<typeof verificationCodeSentSchema>;

export const verifyEmailRequestSchema = z.strictObject({
  code: z
    .string()
    .trim()
    .regex(
      new RegExp(`^[0-9]{${VERIFICATION_CODE_LENGTH}}$`),
      `Enter the ${VERIFICATION_CODE_LENGTH}-digit code.`,
    ),
});
export type VerifyEmailRequest = z.infer<typeof verifyEmailRequestSchema>;

/** The re-issued session: the same session (its holds stay its own), now verified. */
export const verifiedSessionSchema = z.object({
  buyerId: z.string(),
  email: z.string(),
  /** The new session token (also set as the `sr_buyer` cookie); the old one stays valid but unverified. */
  token: z.string(),
  expiresAt: z.string(),
  verified: z.literal(true),
});
export type VerifiedSessionDto = z.infer<typeof verifiedSessionSchema>;
