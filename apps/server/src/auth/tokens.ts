import type { ApiTokenCreate, ApiTokenDto } from '@seatrush/shared';
import type { Db, PrismaClient } from '../db/prisma.ts';
import { DomainError } from '../domain/errors.ts';
import { writeAudit, type Actor } from '../audit/audit.ts';
import type { Logger } from '../observability/logger.ts';
import { randomSecret, sha256 } from './secrets.ts';
import { type Principal } from './principal.ts';

/** Every token starts with this, so secret scanners and our resolver recognise it. */
export const TOKEN_PREFIX = 'srt_';
/** lastUsedAt is written at most this often per token: a busy integration should not write on every call. */
export const LAST_USED_THROTTLE_MS = 60_000;

const tokenInclude = {
  staffUser: { select: { email: true, role: true, active: true } },
} satisfies Db.Prisma.ApiTokenInclude;
type TokenRow = Db.Prisma.ApiTokenGetPayload<{ include: typeof tokenInclude }>;

function tokenDto(t: TokenRow): ApiTokenDto {
  return {
    id: t.id,
    name: t.name,
    prefix: t.prefix,
    staffUserId: t.staffUserId,
    staffEmail: t.staffUser.email,
    role: t.staffUser.role,
    createdAt: t.createdAt.toISOString(),
    lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
    revokedAt: t.revokedAt?.toISOString() ?? null,
  };
}

/**
 * Creates an API token acting as a staff member (default: the caller) with that member's role. The secret
 * (`srt_…`) is returned once; only its sha256 is stored. Errors: `validation_failed` (unknown or inactive
 * staff user).
 */
export async function createApiToken(
  deps: { prisma: PrismaClient },
  input: ApiTokenCreate,
  callerStaffId: string,
  actor: Actor,
): Promise<{ token: ApiTokenDto; secret: string }> {
  const secret = `${TOKEN_PREFIX}${randomSecret()}`;
  const ownerId = input.staffUserId ?? callerStaffId;
  return deps.prisma.$transaction(async (tx) => {
    const owner = await tx.staffUser.findUnique({ where: { id: ownerId }, select: { active: true } });
    if (!owner?.active)
      throw new DomainError('validation_failed', 'No active staff user with that id.', undefined, [
        { path: 'body.staffUserId', message: 'No active staff user with that id.' },
      ]);
    const row = await tx.apiToken.create({
      data: {
        name: input.name,
        tokenHash: sha256(secret),
        prefix: secret.slice(0, TOKEN_PREFIX.length + 6),
        staffUserId: ownerId,
      },
      include: tokenInclude,
    });
    const token = tokenDto(row);
    await writeAudit(tx, {
      actor,
      action: 'api_token.created',
      entityType: 'api_token',
      entityId: row.id,
      after: token,
    });
    return { token, secret };
  });
}

export async function listApiTokens(deps: { prisma: PrismaClient }): Promise<ApiTokenDto[]> {
  const rows = await deps.prisma.apiToken.findMany({ include: tokenInclude, orderBy: { createdAt: 'desc' } });
  return rows.map(tokenDto);
}

/** Revokes a token at once on every node (each request looks it up). Idempotent. Errors: `not_found`. */
export async function revokeApiToken(
  deps: { prisma: PrismaClient },
  id: string,
  actor: Actor,
): Promise<ApiTokenDto> {
  return deps.prisma.$transaction(async (tx) => {
    const before = await tx.apiToken.findUnique({ where: { id }, include: tokenInclude });
    if (!before) throw new DomainError('not_found', 'No such API token.');
    if (before.revokedAt) return tokenDto(before);
    const after = await tx.apiToken.update({
      where: { id },
      data: { revokedAt: new Date() },
      include: tokenInclude,
    });
    await writeAudit(tx, {
      actor,
      action: 'api_token.revoked',
      entityType: 'api_token',
      entityId: id,
      before: tokenDto(before),
      after: tokenDto(after),
    });
    return tokenDto(after);
  });
}

/** The principal a bearer secret stands for, or null (unknown, revoked, owner inactive). */
export async function resolveApiToken(
  deps: { prisma: PrismaClient; logger: Logger; now?: () => Date },
  secret: string,
): Promise<Principal | null> {
  if (!secret.startsWith(TOKEN_PREFIX) || secret.length > 200) return null;
  const row = await deps.prisma.apiToken.findUnique({
    where: { tokenHash: sha256(secret) },
    include: tokenInclude,
  });
  if (!row || row.revokedAt || !row.staffUser.active) return null;
  const now = deps.now?.() ?? new Date();
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_THROTTLE_MS) {
    // Not awaited: bookkeeping must not slow or fail the request it describes.
    void deps.prisma.apiToken
      .updateMany({
        where: {
          id: row.id,
          OR: [
            { lastUsedAt: null },
            { lastUsedAt: { lt: new Date(now.getTime() - LAST_USED_THROTTLE_MS + 1) } },
          ],
        },
        data: { lastUsedAt: now },
      })
      .catch((err: unknown) => deps.logger.warn({ err, tokenId: row.id }, 'could not record API token use'));
  }
  return { kind: 'staff', staffId: row.staffUserId, role: row.staffUser.role, via: 'token', tokenId: row.id };
}
