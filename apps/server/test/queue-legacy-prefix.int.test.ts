import { Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { createDeadLetters } from '../src/queue/dead-letters.ts';
import { moveLegacyJobs } from '../src/queue/legacy-prefix.ts';
import { legacyQueuePrefix, QUEUES, queuePrefix } from '../src/queue/queues.ts';
import { createLogger } from '../src/observability/logger.ts';
import { fileRedis, scanKeys } from './support/redis-target.ts';

/**
 * Issue 18: every queue moved from one hash tag (`<prefix>:{q}`) to one per queue (`<prefix>:{q:<name>}`). Jobs an
 * older version left waiting or delayed under the old tag are moved at a worker's start — same id, data and due
 * time — and the old keys go; old schedulers are dropped (the worker makes its schedules again).
 */
const { redis, prefix } = fileRedis();
const logger = createLogger({ logLevel: 'silent' });

describe('jobs under the pre-issue-18 queue prefix', () => {
  it('move to the per-queue prefixes with their ids, data and due times; the old keys go', async () => {
    const now = Date.now();
    const old = (name: string) => new Queue(name, { connection: redis, prefix: legacyQueuePrefix(prefix) });
    const orders = old(QUEUES.orders);
    const expiry = old(QUEUES.expiry);
    const maintenance = old(QUEUES.maintenance);
    await orders.add('persist', { kind: 'persist', hold: { id: 'h1' } }, { jobId: 'h1', attempts: 20 });
    await expiry.add('expire', { holdId: 'h2', showtimeId: 's1' }, { jobId: 'h2', delay: 3_600_000 });
    await maintenance.upsertJobScheduler('sweep', { every: 500 }, { name: 'sweep' });
    await createDeadLetters(redis, prefix).park({
      holdId: 'h3',
      showtimeId: 's1',
      buyerId: 'b1',
      error: 'x',
      code: null,
      attempts: 4,
      at: new Date(now).toISOString(),
    });
    // The dead letter was parked under the new prefix by today's code: put it where an old version kept it.
    const dlNew = `${queuePrefix(prefix, 'dead-letters')}:dead-letters`;
    const dlOld = `${legacyQueuePrefix(prefix)}:dead-letters`;
    await redis.rename(`${dlNew}:entries`, `${dlOld}:entries`).catch(async () => {
      // On a cluster the two names are in different slots: copy by hand.
      await redis.hset(`${dlOld}:entries`, await redis.hgetall(`${dlNew}:entries`));
      await redis.unlink(`${dlNew}:entries`);
    });
    await redis.zadd(`${dlOld}:order`, now, 'h3');
    await redis.unlink(`${dlNew}:order`);
    await Promise.all([orders.close(), expiry.close(), maintenance.close()]);

    const moved = await moveLegacyJobs(redis, prefix, Object.values(QUEUES), logger, () => now);
    expect(moved).toBe(3);

    const fresh = (name: string) => new Queue(name, { connection: redis, prefix: queuePrefix(prefix, name) });
    const newOrders = fresh(QUEUES.orders);
    const newExpiry = fresh(QUEUES.expiry);
    const newMaintenance = fresh(QUEUES.maintenance);
    try {
      const o = await newOrders.getJob('h1');
      expect(o?.data).toEqual({ kind: 'persist', hold: { id: 'h1' } });
      expect(o?.opts.attempts).toBe(20);
      expect(await o?.getState()).toBe('waiting');
      const e = await newExpiry.getJob('h2');
      expect(await e?.getState()).toBe('delayed');
      const score = Number(await redis.zscore(`${queuePrefix(prefix, QUEUES.expiry)}:expiry:delayed`, 'h2'));
      // Due within a second of when it was due before (BullMQ keeps ms × 4096 + a counter).
      expect(Math.abs(Math.floor(score / 4096) - (now + 3_600_000))).toBeLessThan(1000);
      expect(await newMaintenance.getJobSchedulers()).toEqual([]);
      expect(await createDeadLetters(redis, prefix).list(10)).toMatchObject([{ holdId: 'h3', attempts: 4 }]);
    } finally {
      await Promise.all([newOrders.close(), newExpiry.close(), newMaintenance.close()]);
    }
    expect(await scanKeys(redis, `${legacyQueuePrefix(prefix)}:*`)).toEqual([]);
    // A second start finds nothing to move.
    expect(await moveLegacyJobs(redis, prefix, Object.values(QUEUES), logger, () => now)).toBe(0);
  });
});
