import { z } from 'zod';
import { buyerSessionRequestSchema, buyerSessionSchema } from '@seatrush/shared';
import type { Config } from '../config/index.ts';
import type { PrismaClient } from '../db/prisma.ts';
import { DomainError } from '../domain/errors.ts';
import { serializeCookie } from '../auth/cookies.ts';
import { BUYER_COOKIE, SESSION_TTL_SECONDS, findOrCreateBuyer, type BuyerSessions } from '../auth/buyer.ts';
import { route, type RouteDef } from './route.ts';

/** `POST/GET/DELETE /api/buyer/session`. */
export function buyerSessionRoutes(deps: {
  prisma: PrismaClient;
  sessions: BuyerSessions;
  config: Pick<Config, 'publicUrl' | 'env'>;
}): RouteDef[] {
  const secure = deps.config.publicUrl?.startsWith('https:') ?? false;
  const cookie = (token: string, maxAge: number) =>
    serializeCookie(BUYER_COOKIE, token, { httpOnly: true, sameSite: 'Lax', path: '/', maxAge, secure });
  return [
    route({
      method: 'post',
      path: '/api/buyer/session',
      access: 'public',
      summary: 'Start a buyer guest session (email only); sets the sr_buyer cookie and returns the token',
      tags: ['buyer'],
      body: buyerSessionRequestSchema,
      response: buyerSessionSchema,
      handler: async ({ body }) => {
        const email = body.email.trim().toLowerCase();
        const buyer = await findOrCreateBuyer(deps.prisma, email, deps.sessions.buyerIdFor);
        const { token, expiresAt } = deps.sessions.issue(buyer.id, email);
        return {
          status: 201,
          headers: { 'set-cookie': cookie(token, SESSION_TTL_SECONDS), 'cache-control': 'no-store' },
          body: { buyerId: buyer.id, email, token, expiresAt: expiresAt.toISOString() },
        };
      },
    }),
    route({
      method: 'get',
      path: '/api/buyer/session',
      access: 'buyer',
      summary: 'The signed-in buyer',
      tags: ['buyer'],
      response: z.object({
        buyerId: z.string(),
        email: z.string(),
        /** The session proved its e-mail (POST /api/buyer/session/verify). */
        verified: z.boolean(),
      }),
      handler: ({ principal }) => {
        if (principal?.kind !== 'buyer') throw new DomainError('unauthenticated');
        return {
          body: { buyerId: principal.buyerId, email: principal.email, verified: principal.verified === true },
        };
      },
    }),
    route({
      method: 'delete',
      path: '/api/buyer/session',
      access: 'public',
      summary: 'Forget the buyer session cookie',
      tags: ['buyer'],
      handler: () => ({ status: 204, headers: { 'set-cookie': cookie('', 0) } }),
    }),
  ];
}
