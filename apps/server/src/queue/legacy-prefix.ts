import { Queue } from 'bullmq';
import type { Redis } from '../db/redis.ts';
import type { Logger } from '../observability/logger.ts';
import { legacyQueuePrefix, queuePrefix } from './queues.ts';

/**
 * The move from one hash tag for every queue (`<prefix>:{q}`, before issue 18) to one per queue
 * (`<prefix>:{q:<name>}`): jobs still waiting or delayed under the old prefix when an upgraded worker starts are
 * added to the same queue under the new prefix (same job id, name, data and options, the delay that is left) and
 * removed from the old one; the old schedulers are dropped (every worker re-creates its schedules at start). A job
 * active under the old prefix belongs to a worker of the old version: it is left to finish there, and the old
 * queue is emptied of its keys only once nothing is left in it. Idempotent and safe to run on every start and on
 * several workers at once (a job id is added once; removing an already-moved job is a no-op).
 */
export async function moveLegacyJobs(
  connection: Redis,
  redisPrefix: string,
  queueNames: readonly string[],
  logger: Logger,
  now: () => number = Date.now,
): Promise<number> {
  let moved = 0;
  for (const name of queueNames) {
    // skipMetasUpdate: looking must not create the old queue's meta key where there was none.
    const legacy = new Queue(name, {
      connection,
      prefix: legacyQueuePrefix(redisPrefix),
      skipMetasUpdate: true,
    });
    try {
      const counts = await legacy.getJobCounts('active', 'wait', 'delayed', 'prioritized');
      const total = Object.values(counts).reduce((n, c) => n + c, 0);
      const schedulers = await legacy.getJobSchedulers();
      if (total === 0 && schedulers.length === 0) continue;
      for (const s of schedulers) await legacy.removeJobScheduler(s.key);
      const current = new Queue(name, { connection, prefix: queuePrefix(redisPrefix, name) });
      try {
        const jobs = await legacy.getJobs(['wait', 'delayed', 'prioritized']);
        for (const job of jobs) {
          // A scheduler's next run (`repeat:…`) is made again by the scheduler under the new prefix.
          if (!job.id || job.id.startsWith('repeat:')) {
            await job.remove().catch(() => undefined);
            continue;
          }
          // A delayed job's due time is its score in the delayed set (ms × 4096 + a counter, BullMQ's encoding):
          // a job put back with moveToDelayed has a due time its timestamp and options do not tell. Waiting: now.
          const score = await connection.zscore(`${legacyQueuePrefix(redisPrefix)}:${name}:delayed`, job.id);
          const left = score === null ? 0 : Math.max(0, Math.floor(Number(score) / 4096) - now());
          await current.add(job.name, job.data, { ...job.opts, jobId: job.id, delay: left });
          await job.remove().catch(() => undefined);
          moved++;
        }
      } finally {
        await current.close();
      }
      if ((counts.active ?? 0) === 0) await legacy.obliterate({ force: true });
    } finally {
      await legacy.close();
    }
  }
  moved += await moveLegacyDeadLetters(connection, redisPrefix);
  if (moved > 0) logger.info({ moved }, 'moved jobs from the single-tag queue prefix to per-queue prefixes');
  return moved;
}

/** The dead-letter list moves too: its two keys under the old tag become the two under its own (dead-letters.ts). */
async function moveLegacyDeadLetters(connection: Redis, redisPrefix: string): Promise<number> {
  const from = `${legacyQueuePrefix(redisPrefix)}:dead-letters`;
  const to = `${queuePrefix(redisPrefix, 'dead-letters')}:dead-letters`;
  const order = await connection.zrange(`${from}:order`, '0', '-1', 'WITHSCORES');
  if (order.length === 0) return 0;
  const entries = await connection.hgetall(`${from}:entries`);
  const zadd: string[] = [];
  for (let i = 0; i < order.length; i += 2) zadd.push(order[i + 1]!, order[i]!);
  await connection
    .multi()
    .hset(`${to}:entries`, entries)
    .zadd(`${to}:order`, ...zadd)
    .exec();
  await connection.del(`${from}:entries`, `${from}:order`);
  return order.length / 2;
}
