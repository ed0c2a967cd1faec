import { pino } from 'pino';
import { createInventory, type Inventory } from '../../src/inventory/inventory.ts';
import type { TestStack } from './env.ts';
import {
  createBuyers,
  createShowtimeFixture,
  type Fixture,
  type FixtureOptions,
} from './inventory-fixtures.ts';
import { apiClient, type Api } from './catalog-fixtures.ts';

/** Polls `fn` until it returns a truthy value (or throws after `timeoutMs`). */
export async function waitFor<T>(
  fn: () => Promise<T | null | undefined | false>,
  timeoutMs = 30_000,
  what = 'condition',
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end)
      throw new Error(`timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

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

/** Seat state in the inventory: 0 free, 1 held, 2 sold, 3 blocked. */
export async function seatState(w: OrdersWorld, label: string): Promise<number> {
  const snap = await w.inv.snapshot(w.f.showtimeId);
  const i = snap.seatLabels.indexOf(label);
  return Number(snap.seatStates[i]);
}
