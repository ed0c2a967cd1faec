import type { Request } from 'express';
import type { StaffMe, StaffUserCreate, StaffUserDto, StaffUserUpdate } from '@seatrush/shared';
import type { Db, PrismaClient } from '../db/prisma.ts';
import type { Redis } from '../db/redis.ts';
import type { Config } from '../config/index.ts';
import type { Logger } from '../observability/logger.ts';
import { DomainError } from '../domain/errors.ts';
import { writeAudit, type Actor } from '../audit/audit.ts';
import type { PrincipalResolver } from './principal.ts';
import { parseCookies } from './cookies.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { SessionStore } from './sessions.ts';
import { LoginLimiter, DEFAULT_LOGIN_LIMITS, type LoginLimits } from './login-limiter.ts';
import { resolveApiToken, TOKEN_PREFIX } from './tokens.ts';
import { type Principal } from './principal.ts';

/** The staff session cookie: httpOnly, SameSite=Lax, Secure on https. */
export const STAFF_COOKIE = 'sr_staff';

export interface StaffAuthDeps {
  prisma: PrismaClient;
  redis: Redis;
  logger: Logger;
  config: Pick<Config, 'redisPrefix'>;
  loginLimits?: LoginLimits;
  now?: () => Date;
}

export interface StaffAuth {
  sessions: SessionStore;
  /** Staff sessions (cookie) and API tokens (`Authorization: Bearer srt_…`). */
  resolver: PrincipalResolver;
  /**
   * Checks email and password under the login rate limits and starts a session.
   * Errors: `rate_limited` (details.retryAfterSeconds), `unauthenticated` (wrong email or password, or the
   * account is deactivated — one message for all, so it tells a guesser nothing).
   */
  login(email: string, password: string, ip: string): Promise<{ sessionId: string; staff: StaffMe }>;
  logout(sessionId: string): Promise<void>;
}

export const normaliseEmail = (email: string) => email.trim().toLowerCase();

export function createStaffAuth(deps: StaffAuthDeps): StaffAuth {
  const sessions = new SessionStore(deps.redis, deps.config.redisPrefix);
  const limiter = new LoginLimiter(
    deps.redis,
    deps.config.redisPrefix,
    deps.loginLimits ?? DEFAULT_LOGIN_LIMITS,
  );

  const resolver: PrincipalResolver = async (req: Request): Promise<Principal | null> => {
    const authz = req.headers.authorization;
    if (authz?.startsWith('Bearer ')) {
      const secret = authz.slice(7).trim();
      // Other bearer formats (buyer tokens) belong to other resolvers.
      if (secret.startsWith(TOKEN_PREFIX)) return resolveApiToken(deps, secret);
    }
    const sid = parseCookies(req.headers.cookie)[STAFF_COOKIE];
    if (!sid || sid.length > 200) return null;
    const session = await sessions.touch(sid);
    if (!session) return null;
    return { kind: 'staff', staffId: session.staffId, role: session.role, via: 'session', sessionId: sid };
  };

  return {
    sessions,
    resolver,
    async login(rawEmail, password, ip) {
      const email = normaliseEmail(rawEmail);
      await limiter.check(email, ip);
      const user = await deps.prisma.staffUser.findUnique({ where: { email } });
      const ok = await verifyPassword(user?.passwordHash ?? null, password);
      if (!user || !ok || !user.active) {
        await limiter.failed(email, ip);
        deps.logger.info({ email, ip }, 'staff sign-in failed');
        throw new DomainError('unauthenticated', 'Email or password is incorrect.');
      }
      await limiter.succeeded(email, ip);
      const sessionId = await sessions.create(user.id, user.role);
      deps.logger.info({ staffId: user.id }, 'staff signed in');
      return {
        sessionId,
        staff: { id: user.id, email: user.email, name: user.name, role: user.role, via: 'session' },
      };
    },
    logout: (sessionId) => sessions.revoke(sessionId),
  };
}

type StaffRow = Db.Prisma.StaffUserGetPayload<object>;

export function staffUserDto(u: StaffRow): StaffUserDto {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    active: u.active,
    createdAt: u.createdAt.toISOString(),
    updatedAt: u.updatedAt.toISOString(),
  };
}

/** Who is calling. Errors: `unauthenticated` (the account was removed since the session began). */
export async function staffMe(deps: { prisma: PrismaClient }, principal: Principal): Promise<StaffMe> {
  if (principal.kind !== 'staff') throw new DomainError('unauthenticated');
  const u = await deps.prisma.staffUser.findUnique({ where: { id: principal.staffId } });
  if (!u?.active) throw new DomainError('unauthenticated');
  return { id: u.id, email: u.email, name: u.name, role: u.role, via: principal.via };
}

/** Creates a staff account (email stored lower-case). Errors: `duplicate` (email taken). */
export async function createStaffUser(
  deps: { prisma: PrismaClient },
  input: StaffUserCreate,
  actor: Actor,
): Promise<StaffUserDto> {
  const email = normaliseEmail(input.email);
  const passwordHash = await hashPassword(input.password);
  return deps.prisma.$transaction(async (tx) => {
    if (await tx.staffUser.findUnique({ where: { email }, select: { id: true } }))
      throw new DomainError('duplicate', `A staff account for ${email} already exists.`, { email }, [
        { path: 'body.email', message: `There is already a staff account for ${email}.` },
      ]);
    const u = await tx.staffUser.create({
      data: { email, name: input.name, role: input.role, passwordHash },
    });
    const dto = staffUserDto(u);
    await writeAudit(tx, {
      actor,
      action: 'staff.created',
      entityType: 'staff_user',
      entityId: u.id,
      after: dto,
    });
    return dto;
  });
}

/**
 * Creates the account unless one with that email exists (then leaves it as it is). For the seed.
 * Returns whether it was created.
 */
export async function ensureStaffUser(
  deps: { prisma: PrismaClient },
  input: StaffUserCreate,
  actor: Actor,
): Promise<{ user: StaffUserDto; created: boolean }> {
  const existing = await deps.prisma.staffUser.findUnique({ where: { email: normaliseEmail(input.email) } });
  if (existing) return { user: staffUserDto(existing), created: false };
  return { user: await createStaffUser(deps, input, actor), created: true };
}

/**
 * Renames, changes the role or password of, deactivates or reactivates a staff account. A change of role,
 * password or activity ends the account's sessions (they carry the role). Refuses to leave no active admin.
 * Errors: `not_found`, `conflict` (last active admin).
 */
export async function updateStaffUser(
  deps: { prisma: PrismaClient; sessions: SessionStore },
  id: string,
  patch: StaffUserUpdate,
  actor: Actor,
): Promise<StaffUserDto> {
  const passwordHash = patch.password ? await hashPassword(patch.password) : undefined;
  const result = await deps.prisma.$transaction(async (tx) => {
    // Locks the admins so two admins demoting each other cannot both succeed.
    await tx.$queryRaw`SELECT id FROM "StaffUser" WHERE role = 'admin' AND active FOR UPDATE`;
    const before = await tx.staffUser.findUnique({ where: { id } });
    if (!before) throw new DomainError('not_found', 'No such staff user.');
    const stillAdmin = (patch.role ?? before.role) === 'admin' && (patch.active ?? before.active);
    if (before.role === 'admin' && before.active && !stillAdmin) {
      const admins = await tx.staffUser.count({ where: { role: 'admin', active: true } });
      if (admins <= 1)
        throw new DomainError('conflict', 'This is the last active admin; make someone else admin first.');
    }
    const after = await tx.staffUser.update({
      where: { id },
      data: {
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.role !== undefined ? { role: patch.role } : {}),
        ...(patch.active !== undefined ? { active: patch.active } : {}),
        ...(passwordHash ? { passwordHash } : {}),
      },
    });
    await writeAudit(tx, {
      actor,
      action: patch.active === false && before.active ? 'staff.deactivated' : 'staff.updated',
      entityType: 'staff_user',
      entityId: id,
      before: staffUserDto(before),
      after: { ...staffUserDto(after), ...(passwordHash ? { passwordChanged: true } : {}) },
    });
    const endSessions = !!passwordHash || after.role !== before.role || after.active !== before.active;
    return { dto: staffUserDto(after), endSessions };
  });
  if (result.endSessions) await deps.sessions.revokeAll(id);
  return result.dto;
}

export async function listStaffUsers(deps: { prisma: PrismaClient }): Promise<StaffUserDto[]> {
  const rows = await deps.prisma.staffUser.findMany({ orderBy: { createdAt: 'asc' } });
  return rows.map(staffUserDto);
}
