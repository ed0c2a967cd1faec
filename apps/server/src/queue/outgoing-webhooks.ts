import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from '../db/redis.ts';
import { queuePrefix } from './queues.ts';

/** Outgoing webhook deliveries: one job per delivery round; job id `<deliveryId>.<round>` (deduplicated). */
export const OUTGOING_WEBHOOKS_QUEUE = 'outgoing-webhooks';

export interface OutgoingWebhookJob {
  deliveryId: string;
  round: number;
}

export const outgoingJobId = (j: OutgoingWebhookJob) => `${j.deliveryId}.${j.round}`;

/** The producer side. Attempts and the first retry's delay (doubling) come from config (OUTGOING_WEBHOOK_*). */
export function createOutgoingWebhookQueue(
  connection: Redis,
  redisPrefix: string,
  retry: { attempts: number; backoffMs: number },
): Queue<OutgoingWebhookJob> {
  return new Queue<OutgoingWebhookJob>(OUTGOING_WEBHOOKS_QUEUE, {
    connection,
    prefix: queuePrefix(redisPrefix, OUTGOING_WEBHOOKS_QUEUE),
    defaultJobOptions: {
      attempts: retry.attempts,
      backoff: { type: 'exponential', delay: retry.backoffMs },
      removeOnComplete: { age: 3600, count: 10_000 },
      removeOnFail: { age: 7 * 86_400 },
    },
  });
}

export interface OutgoingWebhookTransport {
  queue: Queue<OutgoingWebhookJob>;
  /** Starts the worker that runs `process` for each job (concurrency 10). */
  work(process: (job: Job<OutgoingWebhookJob>) => Promise<unknown>): Worker<OutgoingWebhookJob>;
}

/** The queue and a worker factory on one Redis connection (the worker role's side; see jobs/outgoing-webhooks.ts). */
export function outgoingWebhookTransport(
  connection: Redis,
  redisPrefix: string,
  retry: { attempts: number; backoffMs: number },
): OutgoingWebhookTransport {
  return {
    queue: createOutgoingWebhookQueue(connection, redisPrefix, retry),
    work: (process) =>
      new Worker<OutgoingWebhookJob>(OUTGOING_WEBHOOKS_QUEUE, process, {
        connection,
        prefix: queuePrefix(redisPrefix, OUTGOING_WEBHOOKS_QUEUE),
        concurrency: 10,
      }),
  };
}
