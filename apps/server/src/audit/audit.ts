import type { AuditEntryDto, AuditQuery } from '@seatrush/shared';
import type { Db, PrismaClient } from '../db/prisma.ts';

/**
 * Who did something: `staff:<id>` (a signed-in staff member), `token:<id>` (an API token), `buyer:<id>`,
 * or `system` (seed, workers, sweepers).
 */
export type Actor = `staff:${string}` | `token:${string}` | `buyer:${string}` | 'system';

export interface AuditInput {
  /** An `Actor`; typed as string so rows read back from the database can be passed on. */
  actor: string;
  /** Dotted, past tense: `venue.created`, `showtime.sale_opened`, `order.paid`. */
  action: string;
  entityType: string;
  entityId: string;
  showtimeId?: string | null;
  before?: unknown;
  after?: unknown;
}

/** Anything with the auditEntry delegate: the client or a transaction client. */
export type AuditWriter = Pick<Db.Prisma.TransactionClient, 'auditEntry'>;

/** Dates become ISO strings, undefined fields vanish: what PostgreSQL's jsonb will store anyway. */
function toJson(value: unknown): Db.Prisma.InputJsonValue | undefined {
  if (value === undefined || value === null) return undefined;
  return JSON.parse(
    JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)),
  ) as Db.Prisma.InputJsonValue;
}

/**
 * Records one audit entry. Call it with the transaction client of the change it describes, so the entry and
 * the change commit (or roll back) together.
 */
export async function writeAudit(tx: AuditWriter, entry: AuditInput): Promise<void> {
  await tx.auditEntry.create({
    data: {
      actor: entry.actor,
      action: entry.action,
      entityType: entry.entityType,
      entityId: entry.entityId,
      showtimeId: entry.showtimeId ?? null,
      ...(entry.before !== undefined && entry.before !== null ? { before: toJson(entry.before)! } : {}),
      ...(entry.after !== undefined && entry.after !== null ? { after: toJson(entry.after)! } : {}),
    },
  });
}

type AuditRow = Awaited<ReturnType<PrismaClient['auditEntry']['findFirstOrThrow']>>;

export function auditDto(row: AuditRow): AuditEntryDto {
  return {
    id: row.id.toString(),
    at: row.at.toISOString(),
    actor: row.actor,
    action: row.action,
    entityType: row.entityType,
    entityId: row.entityId,
    showtimeId: row.showtimeId,
    before: row.before ?? null,
    after: row.after ?? null,
  };
}

/**
 * Newest first, filtered by showtime, actor, action (exact, or a prefix when it ends in `.`), entity.
 * Pages with `cursor` = the previous page's `nextCursor`.
 */
export async function listAudit(
  prisma: Pick<PrismaClient, 'auditEntry'>,
  q: AuditQuery,
): Promise<{ entries: AuditEntryDto[]; nextCursor: string | null }> {
  const where: Db.Prisma.AuditEntryWhereInput = {};
  if (q.showtimeId) where.showtimeId = q.showtimeId;
  if (q.actor) where.actor = q.actor;
  if (q.action) where.action = q.action.endsWith('.') ? { startsWith: q.action } : q.action;
  if (q.entityType) where.entityType = q.entityType;
  if (q.entityId) where.entityId = q.entityId;
  if (q.cursor) where.id = { lt: BigInt(q.cursor) };
  const rows = await prisma.auditEntry.findMany({ where, orderBy: { id: 'desc' }, take: q.limit + 1 });
  const page = rows.slice(0, q.limit);
  return {
    entries: page.map(auditDto),
    nextCursor: rows.length > q.limit ? (page[page.length - 1]?.id.toString() ?? null) : null,
  };
}
