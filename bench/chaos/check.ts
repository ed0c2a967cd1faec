/**
 * bench/chaos's invariant checker: the client's ledger, the live inventory in Redis (snapshot and recount) and
 * PostgreSQL (orders, items, payments, refunds, the sandbox provider's own ledger) must agree once the load is
 * over and every hold has run out. Each invariant is a count that must be 0.
 */
import { SeatState } from '@seatrush/shared';
import type { createPrisma } from '../../apps/server/src/db/prisma.ts';
import type { Inventory } from '../../apps/server/src/inventory/inventory.ts';
import type { Ledger } from './load.ts';

type Prisma = ReturnType<typeof createPrisma>;

export interface Invariant {
  name: string;
  count: number;
  detail: string;
}

const SOLD_STATUSES = new Set(['PAID', 'PARTIALLY_REFUNDED']);

export async function checkInvariants(deps: {
  prisma: Prisma;
  inventory: Inventory;
  showtimeId: string;
  zone: string;
  ledger: Ledger;
}): Promise<Invariant[]> {
  const { prisma, inventory, showtimeId, zone, ledger } = deps;
  const orders = await prisma.order.findMany({
    where: { showtimeId },
    include: { items: true, payments: true, refunds: true },
  });
  const snap = await inventory.snapshot(showtimeId);
  const labels = snap.seatLabels ?? [];
  const redisState = new Map(labels.map((l, i) => [l, Number(snap.seatStates[i])]));

  // Sold in PostgreSQL: active items of paid orders (tickets).
  const soldSeats = new Map<string, number>();
  let soldGa = 0;
  let soldValue = 0;
  for (const o of orders)
    for (const i of o.items)
      if (SOLD_STATUSES.has(o.status) && i.status === 'active') {
        soldValue += i.priceCents;
        if (i.seatLabel) soldSeats.set(i.seatLabel, (soldSeats.get(i.seatLabel) ?? 0) + 1);
        else if (i.zoneKey === zone) soldGa++;
      }
  const zoneCounts = snap.zones[zone];
  const capacity = zoneCounts?.capacity ?? 0;

  // Oversell: a seat with two tickets, GA tickets past capacity, a ticket whose seat Redis offers for sale again.
  const doubleSold = [...soldSeats.values()].filter((n) => n > 1).length;
  const gaOver = Math.max(0, soldGa - capacity);
  const resold = [...soldSeats.keys()].filter((l) => redisState.get(l) !== SeatState.sold).length;
  const gaRedisShort = Math.max(0, soldGa - (zoneCounts?.sold ?? 0));

  // Undersell: Redis says sold but nobody has the ticket.
  const soldNoTicket = labels.filter((l) => redisState.get(l) === SeatState.sold && !soldSeats.has(l)).length;
  const gaUnder = Math.max(0, (zoneCounts?.sold ?? 0) - soldGa);

  // Leaked holds: every hold has run out by now.
  const heldSeats = labels.filter((l) => redisState.get(l) === SeatState.held).length;
  const heldGa = zoneCounts?.held ?? 0;

  // Paid without tickets: money captured (and kept) for an order that has no tickets.
  const paidNoTickets = orders.filter(
    (o) =>
      !SOLD_STATUSES.has(o.status) &&
      o.status !== 'REFUNDED' &&
      o.payments.some((p) => p.status === 'confirmed') &&
      !o.refunds.some((r) => r.status === 'done'),
  ).length;

  // Money: what the provider kept (captured − refunded, its own ledger) against the value of the tickets sold.
  const paymentIds = orders.flatMap((o) => o.payments.map((p) => p.id));
  const provider = await prisma.sandboxLedgerPayment.findMany({ where: { paymentId: { in: paymentIds } } });
  const kept = provider
    .filter((p) => p.status === 'succeeded')
    .reduce((a, p) => a + p.amountCents - p.refundedCents, 0);

  // Stuck: nothing may still be on its way once the load is over and the holds have run out.
  const stuckOrders = orders.filter((o) => o.status === 'PENDING').length;
  const stuckPayments = orders.flatMap((o) => o.payments).filter((p) => p.status === 'pending').length;
  const stuckRefunds = orders
    .flatMap((o) => o.refunds)
    .filter((r) => r.status === 'created' || r.status === 'transit' || r.status === 'failed').length;

  // The client's ledger: every hold it was given has its order; every refund it was told about happened.
  const byHold = new Map(orders.map((o) => [o.holdId, o]));
  const lostHolds = ledger.holds.filter((h) => !byHold.has(h.holdId)).length;
  const byCode = new Map(orders.map((o) => [o.code, o]));
  const lostRefunds = ledger.refunds.filter(
    (r) => r.status === 200 && !byCode.get(r.orderCode)?.refunds.some((x) => x.status === 'done'),
  ).length;
  const lostPayments = ledger.payments.filter((p) => {
    if (p.outcome !== 'succeeded') return false;
    const o = byCode.get(p.orderCode);
    return !o || (!SOLD_STATUSES.has(o.status) && !o.refunds.some((r) => r.status === 'done'));
  }).length;

  const recount = await inventory.recount(showtimeId);
  const i = (name: string, count: number, detail = ''): Invariant => ({ name, count, detail });
  return [
    i(
      'oversell',
      doubleSold + gaOver + resold + gaRedisShort,
      `double ${doubleSold}, GA over ${gaOver}, sold seat on sale ${resold}, GA ${gaRedisShort}`,
    ),
    i(
      'paid without tickets',
      paidNoTickets + lostPayments,
      `orders ${paidNoTickets}, client-seen ${lostPayments}`,
    ),
    i('captured − refunded − value sold', kept - soldValue, `kept ${kept} ¢, sold ${soldValue} ¢`),
    i('leaked holds', heldSeats + heldGa, `seats ${heldSeats}, GA ${heldGa}`),
    i('undersell', soldNoTicket + gaUnder, `seats ${soldNoTicket}, GA ${gaUnder}`),
    i(
      'stuck states',
      stuckOrders + stuckPayments + stuckRefunds,
      `orders ${stuckOrders}, payments ${stuckPayments}, refunds ${stuckRefunds}`,
    ),
    i('recount', recount.diffs.length, recount.diffs.slice(0, 3).join('; ')),
    i(
      'client ledger',
      lostHolds + lostRefunds,
      `holds without order ${lostHolds}, refunds not done ${lostRefunds}`,
    ),
  ];
}
