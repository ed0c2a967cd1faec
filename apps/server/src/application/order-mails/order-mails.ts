import { formatMoney, seatName } from '@seatrush/shared';
import type { PrismaClient } from '../../db/prisma.ts';
import type { Mailer, MailMessage } from '../../mail/mailer.ts';
import { expiryMail, refundMail, ticketsMail, type OrderMailFacts } from '../../mail/order-templates.ts';
import { renderTicketsPdf } from '../../mail/ticket-pdf.ts';
import { ticketQrPayload } from '../../orders/codes.ts';

/**
 * Order e-mails (docs/checkout-api.md#e-mail): the tickets when an order is paid, a note when it is refunded (in
 * full or in part) and when it expires unpaid.
 *
 * The outbox is the audit log: every such transition writes its audit entry (`order.paid`, `order.reclaimed`,
 * `order.refunded`, `order.partially_refunded`, `order.expired`) in the transaction of the change, so a change that
 * committed has its entry and one that rolled back has none. `deriveOrderMails` turns new entries into OrderMail
 * rows (the sent-log: unique per order and kind, and per refund for partial refunds), the relay enqueues one job
 * per row, and `sendOrderMail` sends it with a Message-ID made from the row's id and marks the row `sent`.
 * Guarantee: at least once. A job that runs again after the row was marked sent (a retry, a duplicate, a stalled
 * job) sends nothing; only a crash between the SMTP server's acceptance and the mark sends it twice, with the same
 * Message-ID, which mail clients treat as one message.
 */

/** The audit actions that send mail, and the kind of mail each sends. */
export const MAIL_KINDS = {
  'order.paid': 'tickets',
  'order.reclaimed': 'tickets',
  'order.refunded': 'refunded',
  'order.partially_refunded': 'partially_refunded',
  'order.expired': 'expired',
} as const;

export type OrderMailKind = (typeof MAIL_KINDS)[keyof typeof MAIL_KINDS];

/** How far before the newest audit entry already turned into mail the relay looks again (longer than any transaction). */
const LOOKBACK_MINUTES = 10;

/**
 * New audit entries of the mail actions → OrderMail rows (idempotent: `auditId` and (order, kind, ref) are unique).
 * The window starts a little before the newest entry already derived, so a worker that was down for an hour
 * catches up, and a fresh install (no row yet) starts near its newest entry instead of mailing its whole history.
 * Only stored times are compared (no clock, no time zone). Returns how many rows were new.
 */
export async function deriveOrderMails(prisma: PrismaClient, limit = 1000): Promise<number> {
  const pairs = Object.entries(MAIL_KINDS);
  const actions = pairs.map((p) => p[0]);
  return prisma.$executeRaw`
    INSERT INTO "OrderMail" (id, "orderId", kind, ref, "auditId", "auditAt")
    SELECT 'om_' || a.id::text, a."entityId", m.kind,
      CASE WHEN m.kind = 'partially_refunded' THEN a.id::text ELSE '' END, a.id, a.at
    FROM "AuditEntry" a
    JOIN unnest(${actions}::text[], ${pairs.map((p) => p[1])}::text[]) AS m(action, kind)
      ON m.action = a.action
    WHERE a.action = ANY(${actions}::text[]) AND a."entityType" = 'order'
      AND a.at > COALESCE((SELECT max("auditAt") FROM "OrderMail"),
                          (SELECT max(b.at) FROM "AuditEntry" b WHERE b.action = ANY(${actions}::text[])))
                 - make_interval(mins => ${LOOKBACK_MINUTES})
      AND NOT EXISTS (SELECT 1 FROM "OrderMail" x WHERE x."auditId" = a.id)
    ORDER BY a.at, a.id
    LIMIT ${limit}
    ON CONFLICT DO NOTHING`;
}

/** Rows whose job was not added yet. */
export async function unqueuedOrderMails(prisma: PrismaClient, limit = 1000): Promise<string[]> {
  const rows = await prisma.orderMail.findMany({
    where: { status: 'pending', queued: false },
    select: { id: true },
    orderBy: { auditAt: 'asc' },
    take: limit,
  });
  return rows.map((r) => r.id);
}

export async function markOrderMailQueued(prisma: PrismaClient, id: string): Promise<void> {
  await prisma.orderMail.update({ where: { id }, data: { queued: true } });
}

export interface SendOrderMailDeps {
  prisma: PrismaClient;
  mailer: Mailer;
  ticketSecret: string;
  /** The Message-ID's host part (`<om_42@host>`). */
  messageIdHost: string;
}

/** `skipped`: a tickets mail for an order that has no valid ticket left by now (refunded first). */
export type SendOutcome = 'sent' | 'already_sent' | 'missing' | 'skipped';

/** "Stalls, row A, seat 20" (as the map and the web app say it) or "Zone: Standing floor". */
const place = (
  i: { seatLabel: string | null; zoneKey: string | null },
  zones: Map<string, string>,
  sections: Map<string, string>,
) =>
  i.seatLabel !== null
    ? seatName(i.seatLabel, (k) => sections.get(k))
    : `Zone: ${zones.get(i.zoneKey ?? '') ?? i.zoneKey ?? ''}`;

/** "Sat, 12 Dec 2026, 20:00 UTC": the server knows no buyer's time zone, so it says which one it uses. */
const showtimeText = (d: Date) =>
  `${new Intl.DateTimeFormat('en-GB', {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: 'UTC',
  }).format(d)} UTC`;

/**
 * Sends one order e-mail unless its sent-log row says it was sent, then marks it sent. The refund mail names what
 * its audit entry recorded (the amount of that refund), the tickets mail the order's active tickets at sending
 * time (a refund that came first has already taken its tickets out). Throws when SMTP fails (`unavailable`): the
 * queue retries with backoff; `recordOrderMailFailure` notes the last error.
 */
export async function sendOrderMail(deps: SendOrderMailDeps, mailId: string): Promise<SendOutcome> {
  const { prisma } = deps;
  const row = await prisma.orderMail.findUnique({ where: { id: mailId } });
  if (!row) return 'missing';
  if (row.status === 'sent') return 'already_sent';
  const o = await prisma.order.findUniqueOrThrow({
    where: { id: row.orderId },
    include: {
      buyer: { select: { email: true } },
      items: { orderBy: { id: 'asc' } },
      showtime: {
        include: {
          event: true,
          venue: { include: { gaZones: true, sections: { select: { key: true, name: true } } } },
        },
      },
    },
  });
  const zones = new Map(o.showtime.venue.gaZones.map((z) => [z.key, z.name]));
  const sections = new Map(o.showtime.venue.sections.map((s) => [s.key, s.name]));
  const facts: OrderMailFacts = {
    orderCode: o.code,
    eventName: o.showtime.event.name,
    showtime: showtimeText(o.showtime.startsAt),
    venueName: o.showtime.venue.name,
  };
  const money = (cents: number) => formatMoney(cents, o.currency, 'en-GB');
  let message: Omit<MailMessage, 'to' | 'messageId'>;
  if (row.kind === 'tickets') {
    const active = o.items.filter((i) => i.status === 'active');
    if (active.length === 0) {
      await prisma.orderMail.update({ where: { id: row.id }, data: { status: 'skipped' } });
      return 'skipped';
    }
    const pdf = await renderTicketsPdf(
      active.map((i) => ({
        ...facts,
        place: place(i, zones, sections),
        price: money(i.priceCents),
        ticketCode: i.ticketCode,
        qrPayload: ticketQrPayload(deps.ticketSecret, i.ticketCode, o.showtimeId),
      })),
    );
    message = {
      ...ticketsMail(facts, active.length, money(active.reduce((s, i) => s + i.priceCents, 0))),
      attachments: [{ filename: `tickets-${o.code}.pdf`, content: pdf, contentType: 'application/pdf' }],
    };
  } else if (row.kind === 'refunded' || row.kind === 'partially_refunded') {
    const audit = await prisma.auditEntry.findUnique({ where: { id: row.auditId } });
    const amount = (audit?.after as { amountCents?: unknown } | null)?.amountCents;
    message = refundMail(
      facts,
      money(typeof amount === 'number' ? amount : o.totalCents),
      row.kind === 'partially_refunded',
    );
  } else {
    message = expiryMail(facts);
  }
  await prisma.orderMail.update({ where: { id: row.id }, data: { attempts: { increment: 1 } } });
  await deps.mailer.send({ ...message, to: o.buyer.email, messageId: `<${row.id}@${deps.messageIdHost}>` });
  await prisma.orderMail.update({
    where: { id: row.id },
    data: { status: 'sent', sentAt: new Date(), lastError: null },
  });
  return 'sent';
}

/** Notes why an attempt failed; on the last attempt the row becomes `failed` (the log shows it, nothing retries). */
export async function recordOrderMailFailure(
  prisma: PrismaClient,
  mailId: string,
  error: string,
  final: boolean,
): Promise<void> {
  await prisma.orderMail.updateMany({
    where: { id: mailId, status: 'pending' },
    data: { lastError: error.slice(0, 500), ...(final ? { status: 'failed' } : {}) },
  });
}

/** The host part of the From address (`Seatrush <no-reply@seatrush.example>` → `seatrush.example`). */
export function messageIdHostOf(from: string): string {
  return /@([^\s>]+)>?\s*$/.exec(from)?.[1] ?? 'seatrush.localhost';
}
