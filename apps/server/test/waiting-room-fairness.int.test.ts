import { describe, expect, it } from 'vitest';
import { createRoom } from '../src/waiting-room/room.ts';
import { fileRedis } from './support/redis-target.ts';

/**
 * Fairness of the waiting room (issue 15): everyone who arrived before the sale opened gets a uniformly random
 * place, whatever the arrival order; after opening, admission order equals arrival order.
 */
const { redis, prefix } = fileRedis();
const room = createRoom(redis, prefix);
const T0 = 1_800_000_000_000;

describe('the pre-queue', () => {
  it('is a uniform random permutation of the early arrivals (chi-square over 120 orders)', async () => {
    const n = 5;
    const runs = 2400;
    const counts = new Map<string, number>();
    const placeOfFirst = new Array<number>(n).fill(0);
    for (let r = 0; r < runs; r++) {
      const st = `fair${r}`;
      // Arrivals in the order a0, a1, … (the script itself decides nothing about order before opening).
      for (let i = 0; i < n; i++) await room.join(st, `a${i}`, T0 + i, 'pre');
      const order = await redis.zrange(`${prefix}:{st:${st}}:wr:line`, '0', '-1');
      const key = order.join(',');
      counts.set(key, (counts.get(key) ?? 0) + 1);
      placeOfFirst[order.indexOf('a0')]! += 1;
      await room.drop(st);
    }
    // Every one of the 5! orders occurs, each about equally often.
    expect(counts.size).toBe(120);
    const expected = runs / 120;
    let chi2 = 0;
    for (const c of counts.values()) chi2 += (c - expected) ** 2 / expected;
    // 119 degrees of freedom: P(chi2 > 173.6) = 0.001 for a uniform permutation. A sorted (FIFO) or biased
    // draw lands in the thousands.
    expect(chi2).toBeLessThan(173.6);
    // The first to arrive is no likelier to be first in line than anyone else.
    for (const c of placeOfFirst) expect(Math.abs(c - runs / n)).toBeLessThan(4 * Math.sqrt((runs * 4) / 25));
  }, 60_000);
});

describe('after opening', () => {
  it('admits in arrival order', async () => {
    const st = 'fifo';
    await room.control(st, 'open', T0);
    const arrivals = Array.from({ length: 40 }, (_, i) => `z${(i * 7919) % 1000}`);
    for (const [i, id] of arrivals.entries()) await room.join(st, id, T0 + i, 'pre');
    // One admission a second at 60/min; each window ends at a distinct time, so the admitted set keeps the order.
    for (let s = 1; s <= arrivals.length; s++)
      await room.tick(st, {
        now: T0 + s * 1000,
        ratePerMinute: 60,
        maxShoppers: 1000,
        ticketsLeft: 1000,
        avgTickets: 2,
        windowMs: 3_600_000,
      });
    const admitted = await redis.zrange(`${prefix}:{st:${st}}:wr:admitted`, '0', '-1');
    expect(admitted).toEqual(arrivals);
  });
});
