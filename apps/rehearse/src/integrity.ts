import type { AvailabilityDto, ShowtimeSalesDto } from '@seatrush/shared';
import { request } from './http.ts';
import type { BuyerRecord } from './model.ts';
import type { StaffApi } from './staff.ts';
import type { IntegrityCheck } from './summary.ts';

/**
 * The integrity checks, read back through the staff API when the crowd is done: sold ≤ capacity (in the live
 * inventory and in PostgreSQL, which must agree), every paid order has its tickets, and nothing is held past its
 * window. Any failed check fails the command.
 */

/** RFC 4180 rows (quoted fields, CRLF or LF line ends) as objects keyed by the header. */
export function parseCsv(text: string): Array<Record<string, string>> {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  if (cell !== '' || row.length) rows.push([...row, cell]);
  const [header, ...body] = rows;
  if (!header) return [];
  return body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
}

export interface IntegrityFacts {
  capacity: number;
  inventorySold: number;
  databaseSold: number;
  orders: Array<Record<string, string>>;
  tickets: Array<Record<string, string>>;
  /** Order codes the buyers saw paid (and did not refund). */
  paidByBuyers: string[];
  /** Holds the buyers left unpaid, as the server answers them now. */
  staleHolds: Array<{ holdId: string; status: string; expiresAt: string }>;
  now: number;
  /** Grace after a hold's deadline for the expiry job and sweeper (ms). */
  graceMs: number;
}

/** Pure: the checks from the facts. */
export function evaluateIntegrity(f: IntegrityFacts): IntegrityCheck[] {
  const ticketsByOrder = new Map<string, number>();
  for (const t of f.tickets)
    if (t.ticket_status === 'active' || t.ticket_status === '')
      ticketsByOrder.set(t.order_code!, (ticketsByOrder.get(t.order_code!) ?? 0) + 1);
  const paid = f.orders.filter((o) => o.status === 'PAID' || o.status === 'PARTIALLY_REFUNDED');
  const missing = paid.filter((o) => (ticketsByOrder.get(o.order_code!) ?? 0) === 0);
  const short = f.orders.filter(
    (o) => o.status === 'PAID' && (ticketsByOrder.get(o.order_code!) ?? 0) !== Number(o.tickets),
  );
  const status = new Map(f.orders.map((o) => [o.order_code!, o.status!]));
  const notPaid = f.paidByBuyers.filter((c) => status.get(c) !== 'PAID');
  const late = f.staleHolds.filter((h) => h.status === 'held' && Date.parse(h.expiresAt) + f.graceMs < f.now);
  const few = (xs: string[]) =>
    xs.length ? `: ${xs.slice(0, 5).join(', ')}${xs.length > 5 ? ', …' : ''}` : '';
  return [
    {
      name: 'sold ≤ capacity',
      ok: f.inventorySold <= f.capacity && f.databaseSold <= f.capacity,
      detail: `inventory ${f.inventorySold}, database ${f.databaseSold}, capacity ${f.capacity}`,
    },
    {
      name: 'inventory and database agree on tickets sold',
      ok: f.inventorySold === f.databaseSold,
      detail: `inventory ${f.inventorySold}, database ${f.databaseSold}`,
    },
    {
      name: 'every paid order has its tickets',
      ok: missing.length === 0 && short.length === 0,
      detail:
        `${paid.length} paid orders; ${missing.length} without tickets${few(missing.map((o) => o.order_code!))}` +
        `; ${short.length} with a ticket count unlike their items${few(short.map((o) => o.order_code!))}`,
    },
    {
      name: 'orders the buyers saw paid are paid',
      ok: notPaid.length === 0,
      detail: `${f.paidByBuyers.length} checked; ${notPaid.length} not PAID${few(notPaid)}`,
    },
    {
      name: 'nothing held past its window',
      ok: late.length === 0,
      detail:
        `${f.staleHolds.length} unpaid holds read back; ${late.length} still held more than ` +
        `${f.graceMs / 1000} s past their deadline${few(late.map((h) => h.holdId))}`,
    },
  ];
}

const sumSold = (a: AvailabilityDto) => Object.values(a.categories).reduce((n, c) => n + c.sold, 0);

/** Reads the facts through the staff and public API. Waits (bounded) for the database to catch up. */
export async function readIntegrityFacts(
  api: StaffApi,
  showtimeId: string,
  capacity: number,
  records: readonly BuyerRecord[],
  opts: { settleMs?: number; graceMs?: number; sampleHolds?: number } = {},
): Promise<IntegrityFacts> {
  const settleEnd = Date.now() + (opts.settleMs ?? 30_000);
  let inventorySold: number;
  let databaseSold: number;
  for (;;) {
    const a = await request<AvailabilityDto>(
      api.base,
      `/api/showtimes/${showtimeId}/availability?seatLabels=false`,
    );
    inventorySold = a.status === 200 ? sumSold(a.body) : -1;
    const s = await api.call<ShowtimeSalesDto>('GET', `/api/staff/showtimes/${showtimeId}/sales`);
    databaseSold = s.ticketsSold;
    if ((inventorySold === databaseSold && s.pendingOrders >= 0) || Date.now() > settleEnd) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const orders = parseCsv(await api.text(`/api/staff/showtimes/${showtimeId}/export/orders`));
  const tickets = parseCsv(await api.text(`/api/staff/showtimes/${showtimeId}/export/tickets`));
  const unpaid = records.filter(
    (r) => r.holdId && r.holdToken && (r.outcome === 'abandoned' || r.outcome === 'declined'),
  );
  const staleHolds: IntegrityFacts['staleHolds'] = [];
  for (const r of unpaid.slice(0, opts.sampleHolds ?? 300)) {
    const h = await request<{ status: string; expiresAt: string }>(api.base, `/api/holds/${r.holdId}`, {
      headers: { authorization: `Bearer ${r.holdToken}` },
    });
    staleHolds.push({
      holdId: r.holdId!,
      status: h.status === 200 ? h.body.status : `gone (${h.status})`,
      expiresAt: h.status === 200 ? h.body.expiresAt : (r.holdExpiresAt ?? ''),
    });
  }
  return {
    capacity,
    inventorySold,
    databaseSold,
    orders,
    tickets,
    paidByBuyers: records.filter((r) => r.outcome === 'bought' && r.orderCode).map((r) => r.orderCode!),
    staleHolds,
    now: Date.now(),
    graceMs: opts.graceMs ?? 10_000,
  };
}
