import type { Response } from 'express';
import {
  apiTokenCreateSchema,
  apiTokenCreatedSchema,
  apiTokenListSchema,
  apiTokenSchema,
  idParamsSchema,
  loginResultSchema,
  loginSchema,
  staffMeSchema,
  staffUserCreateSchema,
  staffUserListSchema,
  staffUserSchema,
  staffUserUpdateSchema,
} from '@seatrush/shared';
import type { PrismaClient } from '../db/prisma.ts';
import { DomainError } from '../domain/errors.ts';
import { route, type RouteDef } from './route.ts';
import { serializeCookie, parseCookies } from '../auth/cookies.ts';
import {
  STAFF_COOKIE,
  createStaffUser,
  listStaffUsers,
  staffMe,
  updateStaffUser,
  type StaffAuth,
} from '../auth/staff.ts';
import { createApiToken, listApiTokens, revokeApiToken } from '../auth/tokens.ts';
import { actorOf, type Principal } from '../auth/principal.ts';

export interface StaffRouteDeps {
  prisma: PrismaClient;
  auth: StaffAuth;
}

const staffOf = (p: Principal | null) => {
  if (p?.kind !== 'staff') throw new DomainError('unauthenticated');
  return p;
};

/** Retry-After rides on the error response (the error middleware keeps headers already set). */
function withRetryAfter(res: Response, e: unknown): never {
  if (
    e instanceof DomainError &&
    e.code === 'rate_limited' &&
    typeof e.details?.retryAfterSeconds === 'number'
  )
    res.setHeader('Retry-After', String(e.details.retryAfterSeconds));
  throw e;
}

/** Sign-in, sign-out, who-am-I; staff accounts and API tokens (admin). */
export function staffRoutes(deps: StaffRouteDeps): RouteDef[] {
  const tags = ['staff auth'];
  return [
    route({
      method: 'post',
      path: '/api/staff/login',
      access: 'public',
      summary: 'Sign in with email and password; sets the sr_staff session cookie',
      tags,
      body: loginSchema,
      response: loginResultSchema,
      handler: async ({ body, req, res }) => {
        const { sessionId, staff } = await deps.auth
          .login(body.email, body.password, req.ip ?? req.socket.remoteAddress ?? 'unknown')
          .catch((e: unknown) => withRetryAfter(res, e));
        res.setHeader(
          'Set-Cookie',
          serializeCookie(STAFF_COOKIE, sessionId, {
            httpOnly: true,
            sameSite: 'Lax',
            secure: req.secure,
            path: '/',
          }),
        );
        return { body: { staff } };
      },
    }),
    route({
      method: 'post',
      path: '/api/staff/logout',
      access: 'public',
      summary: 'Sign out: ends the session of the sr_staff cookie (if any) and clears the cookie',
      tags,
      handler: async ({ req, res }) => {
        const sid = parseCookies(req.headers.cookie)[STAFF_COOKIE];
        if (sid) await deps.auth.logout(sid);
        res.setHeader(
          'Set-Cookie',
          serializeCookie(STAFF_COOKIE, '', {
            httpOnly: true,
            sameSite: 'Lax',
            secure: req.secure,
            maxAge: 0,
          }),
        );
        return { status: 204 };
      },
    }),
    route({
      method: 'get',
      path: '/api/staff/me',
      access: 'door',
      summary: 'The signed-in staff member (or the owner of the API token)',
      tags,
      response: staffMeSchema,
      handler: async ({ principal }) => ({ body: await staffMe(deps, staffOf(principal)) }),
    }),

    route({
      method: 'get',
      path: '/api/staff/users',
      access: 'admin',
      summary: 'List staff accounts',
      tags: ['staff users'],
      response: staffUserListSchema,
      handler: async () => ({ body: { users: await listStaffUsers(deps) } }),
    }),
    route({
      method: 'post',
      path: '/api/staff/users',
      access: 'admin',
      summary: 'Create a staff account with a role',
      tags: ['staff users'],
      body: staffUserCreateSchema,
      response: staffUserSchema,
      handler: async ({ body, principal }) => ({
        status: 201,
        body: await createStaffUser(deps, body, actorOf(principal)),
      }),
    }),
    route({
      method: 'patch',
      path: '/api/staff/users/:id',
      access: 'admin',
      summary:
        "Rename, change role or password, deactivate or reactivate a staff account (ends the account's sessions)",
      tags: ['staff users'],
      params: idParamsSchema,
      body: staffUserUpdateSchema,
      response: staffUserSchema,
      handler: async ({ params, body, principal }) => ({
        body: await updateStaffUser(
          { prisma: deps.prisma, sessions: deps.auth.sessions },
          params.id,
          body,
          actorOf(principal),
        ),
      }),
    }),

    route({
      method: 'get',
      path: '/api/staff/tokens',
      access: 'admin',
      summary: 'List API tokens (never their secrets)',
      tags: ['api tokens'],
      response: apiTokenListSchema,
      handler: async () => ({ body: { tokens: await listApiTokens(deps) } }),
    }),
    route({
      method: 'post',
      path: '/api/staff/tokens',
      access: 'admin',
      summary: 'Create an API token; the secret is in this response only',
      tags: ['api tokens'],
      body: apiTokenCreateSchema,
      response: apiTokenCreatedSchema,
      handler: async ({ body, principal }) => {
        const caller = staffOf(principal);
        return { status: 201, body: await createApiToken(deps, body, caller.staffId, actorOf(principal)) };
      },
    }),
    route({
      method: 'delete',
      path: '/api/staff/tokens/:id',
      access: 'admin',
      summary: 'Revoke an API token (effective immediately on every node)',
      tags: ['api tokens'],
      params: idParamsSchema,
      response: apiTokenSchema,
      handler: async ({ params, principal }) => ({
        body: await revokeApiToken(deps, params.id, actorOf(principal)),
      }),
    }),
  ];
}
