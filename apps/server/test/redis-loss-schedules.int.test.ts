import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from './support/env.ts';
import { waitFor } from './support/wait.ts';
import { createQueues, QUEUES, queuePrefix } from '../src/queue/queues.ts';
import { scanKeys } from './support/redis-target.ts';

/**
 * Issue 14 #4: after Redis loses its data, the worker's repeatable jobs (expiry sweeper, reconciler, refund
 * retries, gauges) come back without a restart of the worker.
 */

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({ worker: true, web: false });
});
afterAll(async () => {
  await stack?.close();
});

describe('the maintenance schedules', () => {
  it('are re-created when Redis lost them', async () => {
    const queues = createQueues(stack.container.redis, stack.config.redisPrefix);
    try {
      const ids = async () => (await queues.maintenance.getJobSchedulers()).map((s) => s.key).sort();
      expect(await ids()).toEqual(['gauge', 'reconcile', 'refunds', 'sweep']);
      // The data loss: every key of the maintenance queue goes (only this test's prefix).
      const redis = stack.container.redis;
      const prefix = queuePrefix(stack.config.redisPrefix, QUEUES.maintenance);
      for (const key of await scanKeys(redis, `${prefix}:maintenance*`)) await redis.unlink(key);
      expect(await ids()).toEqual([]);
      await waitFor(
        async () => (await ids()).join() === 'gauge,reconcile,refunds,sweep',
        20_000,
        'the schedules to come back',
      );
    } finally {
      await queues.close();
    }
  });
});
