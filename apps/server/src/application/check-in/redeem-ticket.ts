import type { RedeemResult } from '@seatrush/shared';
import { TRANSACTION_OPTIONS, type PrismaClient } from '../../db/prisma.ts';
import { DomainError } from '../../domain/errors.ts';
import { writeAudit } from '../../audit/audit.ts';
import {
  findTicket,
  parseScan,
  refusalOf,
  scanRecord,
  ticketDto,
  type CheckInRow,
  type Scanner,
} from './tickets.ts';

export interface CheckInDeps {
  prisma: PrismaClient;
  /** The ticket signing secret (config TICKET_SIGNING_SECRET): QR payloads are checked against it. */
  ticketSecret: string;
  now?: () => Date;
}

export interface RedeemInput {
  /** The QR payload, or the ticket code typed from the paper. */
  payload: string;
  /** The scanner's name (gate, device). */
  device: string;
  /** The showtime this door admits to (optional). */
  showtimeId?: string | undefined;
  scanner: Scanner;
}

/**
 * Admits a ticket's holder: verifies the scan, then records the ticket's check-in exactly once — the check-in's
 * primary key is the ticket, so of any number of concurrent scans one inserts and the rest find its row. Every
 * scan writes an audit entry (`checkin.redeemed`, `checkin.refused`).
 * Errors: `ticket_invalid` (forged, mistyped, unknown), `ticket_wrong_showtime` (details.showtimeId),
 * `ticket_not_valid` (details.reason: refunded, cancelled, …), `ticket_already_redeemed` (details.first: when,
 * where and by whom it was first scanned).
 */
export async function redeemTicket(deps: CheckInDeps, input: RedeemInput): Promise<RedeemResult> {
  const scan = parseScan(deps.ticketSecret, input.payload);
  if (!scan) throw new DomainError('ticket_invalid');
  const now = deps.now?.() ?? new Date();

  const outcome = await deps.prisma.$transaction(async (tx) => {
    const t = await findTicket(tx, scan.ticketCode, true);
    if (!t || (scan.showtimeId !== null && scan.showtimeId !== t.showtimeId))
      return { kind: 'invalid' as const };
    const audit = (action: string, after: Record<string, unknown>) =>
      writeAudit(tx, {
        actor: input.scanner.actor,
        action,
        entityType: 'ticket',
        entityId: t.ticketCode,
        showtimeId: t.showtimeId,
        after: { device: input.device, orderCode: t.orderCode, label: t.label, ...after },
      });
    if (input.showtimeId && input.showtimeId !== t.showtimeId) {
      await audit('checkin.refused', { reason: 'wrong_showtime', doorShowtimeId: input.showtimeId });
      return { kind: 'wrong_showtime' as const, ticket: t };
    }
    const reason = refusalOf(t);
    if (reason) {
      await audit('checkin.refused', { reason });
      return { kind: 'not_valid' as const, ticket: t, reason };
    }
    const inserted = await tx.$queryRaw<CheckInRow[]>`
      INSERT INTO "CheckIn" ("orderItemId", "showtimeId", "ticketCode", "scannedAt", device, "scannedBy",
                             "staffUserId", offline)
      VALUES (${t.itemId}, ${t.showtimeId}, ${t.ticketCode}, ${now}, ${input.device}, ${input.scanner.actor},
              ${input.scanner.staffUserId}, false)
      ON CONFLICT ("orderItemId") DO NOTHING
      RETURNING "orderItemId", "scannedAt", device, "scannedBy", "staffUserId", offline`;
    if (inserted[0]) {
      await audit('checkin.redeemed', { scannedAt: now.toISOString(), offline: false });
      return { kind: 'accepted' as const, ticket: t, row: inserted[0] };
    }
    const first = await tx.checkIn.findUniqueOrThrow({ where: { orderItemId: t.itemId } });
    await audit('checkin.refused', {
      reason: 'already_redeemed',
      firstScannedAt: first.scannedAt.toISOString(),
    });
    return { kind: 'duplicate' as const, ticket: t, row: first };
  }, TRANSACTION_OPTIONS);

  switch (outcome.kind) {
    case 'invalid':
      throw new DomainError('ticket_invalid');
    case 'wrong_showtime':
      throw new DomainError('ticket_wrong_showtime', undefined, {
        ticket: ticketDto(outcome.ticket),
        showtimeId: outcome.ticket.showtimeId,
      });
    case 'not_valid':
      throw new DomainError(
        'ticket_not_valid',
        `This ticket does not admit anyone: it was ${outcome.reason === 'unpaid' ? 'never paid' : outcome.reason}.`,
        { reason: outcome.reason, ticket: ticketDto(outcome.ticket) },
      );
    case 'duplicate': {
      const first = await scanRecord(deps.prisma, outcome.row);
      throw new DomainError(
        'ticket_already_redeemed',
        `Already scanned at ${first.at} (${first.device}) by ${first.by}.`,
        { first, ticket: ticketDto(outcome.ticket) },
      );
    }
    case 'accepted':
      return {
        result: 'accepted',
        ticket: ticketDto(outcome.ticket),
        checkIn: await scanRecord(deps.prisma, outcome.row),
      };
  }
}
