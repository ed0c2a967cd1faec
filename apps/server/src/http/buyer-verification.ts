import {
  verificationCodeRequestSchema,
  verificationCodeSentSchema,
  verifiedSessionSchema,
  verifyEmailRequestSchema,
} from '@seatrush/shared';
import type { Config } from '../config/index.ts';
import { DomainError } from '../domain/errors.ts';
import { serializeCookie } from '../auth/cookies.ts';
import { BUYER_COOKIE, SESSION_TTL_SECONDS } from '../auth/buyer.ts';
import {
  sendVerificationCode,
  type SendVerificationCodeDeps,
} from '../application/buyers/send-verification-code.ts';
import { verifyEmail, type VerifyEmailDeps } from '../application/buyers/verify-email.ts';
import { route, type RouteDef } from './route.ts';

/** The paths (the abuse limits name them). */
export const VERIFICATION_CODE_PATH = '/api/buyer/session/code';
export const VERIFY_EMAIL_PATH = '/api/buyer/session/verify';

/** `POST /api/buyer/session/code` and `POST /api/buyer/session/verify`: a session proves its e-mail (docs/buyers.md). */
export function buyerVerificationRoutes(deps: {
  send: SendVerificationCodeDeps;
  verify: VerifyEmailDeps;
  config: Pick<Config, 'publicUrl'>;
}): RouteDef[] {
  const secure = deps.config.publicUrl?.startsWith('https:') ?? false;
  const tags = ['buyer'];
  return [
    route({
      method: 'post',
      path: VERIFICATION_CODE_PATH,
      access: 'buyer',
      summary:
        "Send a one-time code to the session's e-mail (429 rate_limited with Retry-After during the resend cooldown)",
      tags,
      body: verificationCodeRequestSchema,
      response: verificationCodeSentSchema,
      handler: async ({ principal }) => {
        if (principal?.kind !== 'buyer') throw new DomainError('unauthenticated');
        return {
          status: 202,
          headers: { 'cache-control': 'no-store' },
          body: await sendVerificationCode(deps.send, principal),
        };
      },
    }),
    route({
      method: 'post',
      path: VERIFY_EMAIL_PATH,
      access: 'buyer',
      summary:
        'Check the one-time code; on success the session is re-issued verified (new token and sr_buyer cookie)',
      tags,
      body: verifyEmailRequestSchema,
      response: verifiedSessionSchema,
      handler: async ({ principal, body }) => {
        if (principal?.kind !== 'buyer') throw new DomainError('unauthenticated');
        const session = await verifyEmail(deps.verify, principal, body.code);
        const cookie = serializeCookie(BUYER_COOKIE, session.token, {
          httpOnly: true,
          sameSite: 'Lax',
          path: '/',
          maxAge: SESSION_TTL_SECONDS,
          secure,
        });
        return { headers: { 'set-cookie': cookie, 'cache-control': 'no-store' }, body: session };
      },
    }),
  ];
}
