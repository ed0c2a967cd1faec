import type {
  CheckInCounts,
  OfflineTicketList,
  ScanOutcome,
  ScanRecord,
  ScanUploadResult,
} from '@seatrush/shared';
import { TRANSACTION_OPTIONS, type PrismaClient } from '../../db/prisma.ts';
import { DomainError } from '../../domain/errors.ts';
import { writeAudit } from '../../audit/audit.ts';
import { ticketQrPayload } from '../../orders/codes.ts';
import {
  byName,
  findTicket,
  parseScan,
  refusalOf,
  scanRecord,
  type CheckInRow,
  type Scanner,
} from './tickets.ts';
import type { CheckInDeps } from './redeem-ticket.ts';

/**
 * Offline scanning in pretixSCAN's manner: a scanner downloads the showtime's ticket list (each ticket's signed QR
 * payload, whether it admits anyone, and its first scan), admits by looking scans up in it while the network is
 * gone, and uploads its scans when it is back. On upload the first scan of a ticket by scan time wins.
 */

/**
 * Every ticket the showtime's paid (or since refunded) orders carry. Errors: `not_found`.
 */
export async function offlineTicketList(deps: CheckInDeps, showtimeId: string): Promise<OfflineTicketList> {
  const st = await deps.prisma.showtime.findUnique({
    where: { id: showtimeId },
    select: { startsAt: true, event: { select: { name: true } } },
  });
  if (!st) throw new DomainError('not_found', 'No such showtime.');
  const rows = await deps.prisma.$queryRaw<
    Array<{
      ticketCode: string;
      label: string;
      category: string;
      itemStatus: 'active' | 'refunded' | 'released';
      orderCode: string;
      orderStatus: 'PAID' | 'PARTIALLY_REFUNDED' | 'REFUNDED';
      scannedAt: Date | null;
      device: string | null;
      scannedBy: string | null;
      offline: boolean | null;
      staffName: string | null;
    }>
  >`
    SELECT i."ticketCode", coalesce(i."seatLabel", i."zoneKey", '') AS label, i.category,
           i.status::text AS "itemStatus", o.code AS "orderCode", o.status::text AS "orderStatus",
           c."scannedAt", c.device, c."scannedBy", c.offline, s.name AS "staffName"
    FROM "OrderItem" i JOIN "Order" o ON o.id = i."orderId"
    LEFT JOIN "CheckIn" c ON c."orderItemId" = i.id
    LEFT JOIN "StaffUser" s ON s.id = c."staffUserId"
    WHERE i."showtimeId" = ${showtimeId} AND o.status IN ('PAID', 'PARTIALLY_REFUNDED', 'REFUNDED')
    ORDER BY i."ticketCode"`;
  return {
    showtimeId,
    eventName: st.event.name,
    startsAt: st.startsAt.toISOString(),
    generatedAt: (deps.now?.() ?? new Date()).toISOString(),
    tickets: rows.map((r) => ({
      payload: ticketQrPayload(deps.ticketSecret, r.ticketCode, showtimeId),
      ticketCode: r.ticketCode,
      orderCode: r.orderCode,
      label: r.label,
      category: r.category,
      refused: refusalOf(r),
      checkIn: r.scannedAt
        ? {
            at: r.scannedAt.toISOString(),
            device: r.device ?? '',
            by: byName(r.staffName, r.scannedBy ?? ''),
            offline: r.offline ?? false,
          }
        : null,
    })),
  };
}

export interface UploadInput {
  showtimeId: string;
  device: string;
  scans: Array<{ payload: string; scannedAt: string }>;
  scanner: Scanner;
}

/**
 * Records scans made offline, oldest first. Each ticket keeps its first scan by scan time: a scan earlier than the
 * recorded one replaces it (`replaced`), a later one is a `duplicate` of it; both are conflicts, audited
 * (`checkin.conflict`). Uploading the same batch again changes nothing (a scan already recorded from this device
 * at that time answers `accepted` again). Errors: `not_found` (showtime).
 */
export async function uploadOfflineScans(deps: CheckInDeps, input: UploadInput): Promise<ScanUploadResult> {
  const st = await deps.prisma.showtime.findUnique({ where: { id: input.showtimeId }, select: { id: true } });
  if (!st) throw new DomainError('not_found', 'No such showtime.');
  const order = input.scans
    .map((s, index) => ({ ...s, index, at: new Date(s.scannedAt) }))
    .sort((a, b) => a.at.getTime() - b.at.getTime() || a.index - b.index);
  const outcomes: ScanOutcome[] = [];
  for (const s of order) outcomes.push(await uploadOne(deps, input, s));
  outcomes.sort((a, b) => a.index - b.index);
  return {
    accepted: outcomes.filter((o) => o.outcome === 'accepted').length,
    duplicates: outcomes.filter((o) => o.outcome === 'duplicate').length,
    refused: outcomes.filter((o) => o.outcome === 'refused').length,
    conflicts: outcomes.filter((o) => o.replaced !== null || o.outcome === 'duplicate').length,
    scans: outcomes,
  };
}

async function uploadOne(
  deps: CheckInDeps,
  input: UploadInput,
  s: { payload: string; index: number; at: Date },
): Promise<ScanOutcome> {
  const base = { index: s.index, payload: s.payload, first: null, replaced: null };
  const parsed = parseScan(deps.ticketSecret, s.payload);
  if (!parsed) return { ...base, ticketCode: null, outcome: 'refused', reason: 'invalid' };
  const scanner = input.scanner;
  const ours = (r: CheckInRow) => r.device === input.device && r.scannedAt.getTime() === s.at.getTime();

  const result = await deps.prisma
    .$transaction(async (tx) => {
      const t = await findTicket(tx, parsed.ticketCode, true);
      if (!t || (parsed.showtimeId !== null && parsed.showtimeId !== t.showtimeId))
        return { outcome: 'refused' as const, reason: 'invalid' as const };
      if (t.showtimeId !== input.showtimeId)
        return { outcome: 'refused' as const, reason: 'wrong_showtime' as const };
      const reason = refusalOf(t);
      const audit = (action: string, after: Record<string, unknown>) =>
        writeAudit(tx, {
          actor: scanner.actor,
          action,
          entityType: 'ticket',
          entityId: t.ticketCode,
          showtimeId: t.showtimeId,
          after: { device: input.device, scannedAt: s.at.toISOString(), offline: true, ...after },
        });
      if (reason) {
        await audit('checkin.refused', { reason });
        return { outcome: 'refused' as const, reason };
      }
      // Row lock on the check-in (if any): two uploads of the same ticket decide one after the other.
      const prev = (
        await tx.$queryRaw<CheckInRow[]>`
        SELECT "orderItemId", "scannedAt", device, "scannedBy", "staffUserId", offline
        FROM "CheckIn" WHERE "orderItemId" = ${t.itemId} FOR UPDATE`
      )[0];
      if (!prev) {
        const inserted = await tx.$queryRaw<CheckInRow[]>`
        INSERT INTO "CheckIn" ("orderItemId", "showtimeId", "ticketCode", "scannedAt", device, "scannedBy",
                               "staffUserId", offline)
        VALUES (${t.itemId}, ${t.showtimeId}, ${t.ticketCode}, ${s.at}, ${input.device}, ${scanner.actor},
                ${scanner.staffUserId}, true)
        ON CONFLICT ("orderItemId") DO NOTHING
        RETURNING "orderItemId"`;
        // Lost an insert race with another upload or an online scan: answer like the next attempt would.
        if (!inserted[0]) throw new RetryScan();
        await audit('checkin.redeemed', {});
        return { outcome: 'accepted' as const, ticketCode: t.ticketCode };
      }
      if (ours(prev)) return { outcome: 'accepted' as const, ticketCode: t.ticketCode };
      if (prev.scannedAt.getTime() <= s.at.getTime()) {
        await audit('checkin.conflict', { kept: 'recorded', first: { ...prev, scannedAt: prev.scannedAt } });
        return { outcome: 'duplicate' as const, ticketCode: t.ticketCode, first: prev };
      }
      await tx.checkIn.update({
        where: { orderItemId: t.itemId },
        data: {
          scannedAt: s.at,
          device: input.device,
          scannedBy: scanner.actor,
          staffUserId: scanner.staffUserId,
          offline: true,
        },
      });
      await audit('checkin.conflict', { kept: 'uploaded', replaced: prev });
      return { outcome: 'accepted' as const, ticketCode: t.ticketCode, replaced: prev };
    }, TRANSACTION_OPTIONS)
    .catch((err: unknown) => {
      if (!(err instanceof RetryScan)) throw err;
      return null;
    });
  if (result === null) return uploadOne(deps, input, s);

  switch (result.outcome) {
    case 'refused':
      return { ...base, ticketCode: parsed.ticketCode, outcome: 'refused', reason: result.reason };
    case 'duplicate':
      return {
        ...base,
        ticketCode: result.ticketCode,
        outcome: 'duplicate',
        reason: null,
        first: await scanRecord(deps.prisma, result.first),
      };
    case 'accepted':
      return {
        ...base,
        ticketCode: result.ticketCode,
        outcome: 'accepted',
        reason: null,
        first: await scanOf(deps, scanner, input.device, s.at),
        replaced:
          'replaced' in result && result.replaced ? await scanRecord(deps.prisma, result.replaced) : null,
      };
  }
}

class RetryScan extends Error {}

/** This upload's own scan as the scanner shows it. */
async function scanOf(deps: CheckInDeps, scanner: Scanner, device: string, at: Date): Promise<ScanRecord> {
  const staff = scanner.staffUserId
    ? await deps.prisma.staffUser.findUnique({ where: { id: scanner.staffUserId }, select: { name: true } })
    : null;
  return { at: at.toISOString(), device, by: byName(staff?.name ?? null, scanner.actor), offline: true };
}

/** Tickets that admit someone and how many of them have been scanned in. Errors: none (unknown: zeros). */
export async function checkInCounts(
  prisma: Pick<PrismaClient, '$queryRaw'>,
  showtimeId: string,
): Promise<CheckInCounts> {
  const rows = await prisma.$queryRaw<Array<{ tickets: number; checkedIn: number }>>`
    SELECT count(*)::int AS tickets, count(c."orderItemId")::int AS "checkedIn"
    FROM "OrderItem" i JOIN "Order" o ON o.id = i."orderId"
    LEFT JOIN "CheckIn" c ON c."orderItemId" = i.id
    WHERE i."showtimeId" = ${showtimeId} AND i.status = 'active' AND o.status IN ('PAID', 'PARTIALLY_REFUNDED')`;
  return { showtimeId, tickets: rows[0]?.tickets ?? 0, checkedIn: rows[0]?.checkedIn ?? 0 };
}
