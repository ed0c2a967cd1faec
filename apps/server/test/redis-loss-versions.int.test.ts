import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from './support/env.ts';
import { ordersWorld, type OrdersWorld } from './support/orders-fixtures.ts';
import { showtimeKeys } from '../src/inventory/keys.ts';

/**
 * Issue 14 #4: a showtime rebuilt after Redis lost it continues with versions above every version a client may
 * hold, so no client mistakes the new state for an old one.
 */

let stack: TestStack;
let w: OrdersWorld;

beforeAll(async () => {
  stack = await startTestStack({ web: false });
  w = await ordersWorld(stack, { holdTtlSeconds: 600, buyers: 1 });
});
afterAll(async () => {
  await stack?.close();
});

describe('showtime versions after Redis lost the inventory', () => {
  it('keep growing across a rebuild', async () => {
    for (let i = 1; i <= 3; i++)
      await w.inv.hold(w.f.showtimeId, { buyerId: w.buyers[0]!.id, requestId: `v${i}`, seats: [`A-1-${i}`] });
    const before = (await w.inv.snapshot(w.f.showtimeId)).version;
    const keys = showtimeKeys(stack.config.redisPrefix, w.f.showtimeId);
    await stack.container.redis.del(...Object.values(keys).filter((k): k is string => typeof k === 'string'));
    const rebuilt = await w.inv.load(w.f.showtimeId);
    expect(rebuilt.version).toBeGreaterThan(before);
    expect((await w.inv.snapshot(w.f.showtimeId)).version).toBe(rebuilt.version);
    // And a forced rebuild (by hand) too.
    const forced = await w.inv.load(w.f.showtimeId, { force: true });
    expect(forced.version).toBeGreaterThan(rebuilt.version);
  });
});
