import { pino } from 'pino';
import { showtimeKeys } from '../../src/inventory/keys.ts';
import { createInventory, type Inventory } from '../../src/inventory/inventory.ts';
import { startTestStack, type TestStack } from './env.ts';
import {
  createBuyers,
  createShowtimeFixture,
  type Fixture,
  type FixtureOptions,
} from './inventory-fixtures.ts';
import { apiClient, type Api } from './catalog-fixtures.ts';
import { createQueues, type OrdersJob } from '../../src/queue/queues.ts';
import { waitFor } from './wait.ts';
import type { CheckoutResponse, OrderDto, RefundDto } from '@seatrush/shared';

/** The shared polling helper, also exported here for tests that import it with the orders fixtures. */

export interface OrdersWorld {
  stack: TestStack;
  api: Api;
  inv: Inventory;
  f: Fixture;
  buyers: Array<{ id: string; email: string }>;
}

/** A loaded showtime on a running stack, an inventory handle on the same Redis prefix, and buyers. */
export async function ordersWorld(
  stack: TestStack,
  opts: FixtureOptions & { buyers?: number } = {},
): Promise<OrdersWorld> {
  const prisma = stack.container.prisma;
  const f = await createShowtimeFixture(prisma, opts);
  const ids = await createBuyers(prisma, opts.buyers ?? 3);
  const rows = await prisma.buyer.findMany({ where: { id: { in: ids } } });
  const byId = new Map(rows.map((r) => [r.id, r.email]));
  const inv = createInventory({
    redis: stack.container.redis,
    prisma,
    prefix: stack.config.redisPrefix,
    logger: pino({ level: 'silent' }),
    maxExtensionSeconds: stack.config.holdExtensionSeconds,
  });
  await inv.load(f.showtimeId);
  return {
    stack,
    api: apiClient(stack.url),
    inv,
    f,
    buyers: ids.map((id) => ({ id, email: byId.get(id)! })),
  };
}

/** What the buyer's and the staff's refund routes answer. */
export type RefundAnswer = { order: OrderDto; refund: RefundDto };

/**
 * The refund tests' world: a stack with its orders worker and, on it, one section `A` of `rows` rows of ten seats
 * (`A-<row>-<seat>`) at 25.00, held for ten minutes (time to pay), and `buyers` buyers. Close `w.stack` after the
 * suite.
 */
export async function refundsWorld(opts: { rows: number; buyers: number }): Promise<OrdersWorld> {
  const stack = await startTestStack({ worker: true });
  try {
    return await ordersWorld(stack, {
      holdTtlSeconds: 600,
      sections: [{ key: 'A', rows: opts.rows, seatsPerRow: 10, category: 'std' }],
      prices: { std: 2500 },
      buyers: opts.buyers,
    });
  } catch (e) {
    await stack.close();
    throw e;
  }
}

/** Seat state in the inventory: 0 free, 1 held, 2 sold, 3 blocked. */
export async function seatState(w: OrdersWorld, label: string): Promise<number> {
  const snap = await w.inv.snapshot(w.f.showtimeId);
  const i = snap.seatLabels.indexOf(label);
  return Number(snap.seatStates[i]);
}

/** Job states in which the worker has yet to finish with a job. */
const UNFINISHED = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children'] as const;

const holdIdsOf = (job: OrdersJob): string[] =>
  job.kind === 'persist_batch'
    ? job.holds.map((h) => h.id)
    : [job.kind === 'persist' ? job.hold.id : job.holdId];

/**
 * Resolves once the orders worker is done with the showtime's holds (or only with `holdIds`): their outbox
 * entries relayed (the relay deletes an entry only after its jobs were added) and no orders job naming them
 * waiting, running or due for a retry — a job of a killed worker counts until another worker took it over. What
 * the worker was going to do is then done, so a test asserting that nothing more happened (no doubled order, no
 * second count) waits for this instead of sleeping.
 */
export async function ordersSettled(
  w: Pick<OrdersWorld, 'stack' | 'f'>,
  holdIds?: string[],
  timeoutMs = 30_000,
): Promise<void> {
  const redis = w.stack.container.redis;
  const outbox = showtimeKeys(w.stack.config.redisPrefix, w.f.showtimeId).outbox;
  const queues = createQueues(redis, w.stack.config.redisPrefix);
  const ours = holdIds ? new Set(holdIds) : null;
  try {
    await waitFor(
      async () => {
        if (ours) {
          const entries = await redis.xrange(outbox, '-', '+');
          if (entries.some(([, fields]) => fields.some((f) => ours.has(f)))) return false;
          const jobs = await queues.orders.getJobs([...UNFINISHED]);
          return !jobs.some((j) => j && holdIdsOf(j.data).some((id) => ours.has(id)));
        }
        if ((await redis.xlen(outbox)) > 0) return false;
        const counts = await queues.orders.getJobCounts(...UNFINISHED);
        return Object.values(counts).every((n) => n === 0);
      },
      timeoutMs,
      `the orders worker to finish with ${holdIds ? `${holdIds.length} holds` : 'the showtime'}`,
    );
  } finally {
    await queues.close();
  }
}

let paidSeq = 0;
/**
 * A buyer's PAID order for these seats, through the real path: a hold, checkout, the sandbox page with the success
 * card, and the webhook (waits until the order reads PAID).
 */
export async function paidOrder(w: OrdersWorld, buyer: number, seats: string[]): Promise<OrderDto> {
  const h = await w.inv.hold(w.f.showtimeId, {
    buyerId: w.buyers[buyer]!.id,
    requestId: `paid${paidSeq++}`,
    seats,
  });
  const co = await w.api<CheckoutResponse>('post', `/api/holds/${h.holdId}/checkout`, {
    body: { holdToken: h.holdToken, email: w.buyers[buyer]!.email },
  });
  if (co.status !== 201) throw new Error(`checkout ${co.status}: ${co.text}`);
  const pay = await w.api('post', `/sandbox-pay/${co.json.paymentUrl.split('/').pop()}`, {
    body: { card: '4242424242424242' },
  });
  if (pay.status !== 200) throw new Error(`sandbox payment ${pay.status}: ${pay.text}`);
  return waitFor(
    async () => {
      const o = await w.api<OrderDto>(
        'get',
        `/api/orders/${co.json.orderCode}?email=${encodeURIComponent(w.buyers[buyer]!.email)}`,
      );
      return o.json.status === 'PAID' ? o.json : null;
    },
    30_000,
    'order PAID',
  );
}
