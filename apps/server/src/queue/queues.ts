import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from '../db/redis.ts';
import type { HoldRecord } from '../domain/hold.ts';

/**
 * Queue names. A queue's keys live under `${redisPrefix}:{q:<name>}:<name>:…` (queuePrefix): one hash tag per queue,
 * so each queue's scripts stay in one slot of a Redis Cluster and different queues spread over the masters.
 */
export const QUEUES = {
  /** Order persistence (hold → PENDING order, batched) and cancellation (released hold → CANCELLED). */
  orders: 'orders',
  /** The payment window: one delayed `expire` job per hold at its deadline; job id = hold id. */
  expiry: 'expiry',
  /** Repeatable housekeeping: sweeper, reconciler, refund retries, queue-depth gauge. */
  maintenance: 'maintenance',
  /** The sandbox payment provider's webhook deliveries (what a real provider does on its side). */
  sandboxWebhooks: 'sandbox-webhooks',
  /** Order e-mails (tickets, refund, expiry): one job per OrderMail row; job id = its id (queue/order-mails.ts). */
  orderMails: 'order-mails',
} as const;

/**
 * BullMQ's prefix of one queue, `${redisPrefix}:{q:<queue>}`: a hash tag per queue (BullMQ's scripts touch many keys
 * of one queue at once, so they must share a slot; one tag for all queues would put them all on one master). Never
 * an ioredis `keyPrefix` (BullMQ's scripts would get it twice). Until issue 18 every queue lived under one tag,
 * `${redisPrefix}:{q}`: see legacyQueuePrefix and queue/legacy-prefix.ts.
 */
export const queuePrefix = (redisPrefix: string, queue: string) => `${redisPrefix}:{q:${queue}}`;

/** The prefix every queue shared before issue 18 (jobs left there are moved over at a worker's start). */
export const legacyQueuePrefix = (redisPrefix: string) => `${redisPrefix}:{q}`;

/**
 * `persist_batch`: the holds one relay read found in a showtime's outbox (job id from the entry ids, so a re-read
 * of the same entries is deduplicated); `persist`: one hold (the reconciler's, job id = hold id); `cancel`: a
 * released hold's order (job id `cancel.<holdId>`).
 */
export type OrdersJob =
  | { kind: 'persist_batch'; holds: HoldRecord[] }
  | { kind: 'persist'; hold: HoldRecord }
  | { kind: 'cancel'; holdId: string; showtimeId: string };
export interface ExpiryJob {
  holdId: string;
  showtimeId: string;
}

const keep = {
  removeOnComplete: { age: 600, count: 50_000 },
  removeOnFail: { age: 86_400 },
} satisfies JobsOptions;

export interface Queues {
  orders: Queue<OrdersJob>;
  expiry: Queue<ExpiryJob>;
  maintenance: Queue;
  sandboxWebhooks: Queue;
  close(): Promise<void>;
}

/**
 * The producer side of every queue, shared by the web role (checkout reschedules expiry jobs, the sandbox page
 * sends webhooks) and the worker role.
 */
export function createQueues(connection: Redis, redisPrefix: string): Queues {
  const orders = new Queue<OrdersJob>(QUEUES.orders, {
    connection,
    prefix: queuePrefix(redisPrefix, QUEUES.orders),
    defaultJobOptions: { ...keep, attempts: 20, backoff: { type: 'exponential', delay: 200 } },
  });
  const expiry = new Queue<ExpiryJob>(QUEUES.expiry, {
    connection,
    prefix: queuePrefix(redisPrefix, QUEUES.expiry),
    defaultJobOptions: { ...keep, attempts: 20, backoff: { type: 'exponential', delay: 200 } },
  });
  const maintenance = new Queue(QUEUES.maintenance, {
    connection,
    prefix: queuePrefix(redisPrefix, QUEUES.maintenance),
    defaultJobOptions: { removeOnComplete: true, removeOnFail: { count: 100 } },
  });
  const sandboxWebhooks = new Queue(QUEUES.sandboxWebhooks, {
    connection,
    prefix: queuePrefix(redisPrefix, QUEUES.sandboxWebhooks),
    defaultJobOptions: { ...keep, attempts: 12, backoff: { type: 'exponential', delay: 250 } },
  });
  return {
    orders,
    expiry,
    maintenance,
    sandboxWebhooks,
    async close() {
      await Promise.allSettled([
        orders.close(),
        expiry.close(),
        maintenance.close(),
        sandboxWebhooks.close(),
      ]);
    },
  };
}
