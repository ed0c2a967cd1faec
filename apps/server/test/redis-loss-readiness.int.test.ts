import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from './support/env.ts';
import { ordersWorld, type OrdersWorld } from './support/orders-fixtures.ts';
import { waitFor } from './support/wait.ts';
import { showtimeKeys } from '../src/inventory/keys.ts';

/**
 * Issue 14 #4: after Redis lost a showtime on sale, `/readyz` does not answer ready until the inventory is rebuilt
 * from PostgreSQL (and the node starts that rebuild itself).
 */

let stack: TestStack;
let w: OrdersWorld;

beforeAll(async () => {
  stack = await startTestStack();
  w = await ordersWorld(stack, { holdTtlSeconds: 600, buyers: 1 });
});
afterAll(async () => {
  await stack?.close();
});

const readyz = async () => {
  const r = await fetch(`${stack.url}/readyz`);
  return { status: r.status, body: (await r.json()) as { status: string; checks: Record<string, string> } };
};

describe('readiness after Redis lost the inventory', () => {
  it('answers not ready while a showtime on sale is missing, rebuilds it, then ready', async () => {
    const initially = await readyz();
    expect(initially.status, JSON.stringify(initially.body)).toBe(200);
    const keys = showtimeKeys(stack.config.redisPrefix, w.f.showtimeId);
    await stack.container.redis.del(...Object.values(keys).filter((k): k is string => typeof k === 'string'));
    expect(await w.inv.isLoaded(w.f.showtimeId)).toBe(false);
    const during = await readyz();
    expect(during.status).toBe(503);
    expect(during.body.checks.inventory).toMatch(/^rebuilding/);
    await waitFor(async () => (await readyz()).status === 200, 20_000, 'ready again');
    expect(await w.inv.isLoaded(w.f.showtimeId)).toBe(true);
    expect((await readyz()).body.checks.inventory).toBe('ok');
  });
});
