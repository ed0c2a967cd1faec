import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from '../db/redis.ts';
import { QUEUES, queuePrefix } from './queues.ts';

/** One order e-mail to send: the OrderMail row's id (also the job id, so a re-enqueue is deduplicated). */
export interface OrderMailJob {
  mailId: string;
}

export interface OrderMailTransport {
  queue: Queue<OrderMailJob>;
  /** Starts the worker that runs `process` for each job (concurrency 4: PDFs cost CPU). */
  work(process: (job: Job<OrderMailJob>) => Promise<unknown>): Worker<OrderMailJob>;
}

/** The order e-mail queue and a worker factory on one Redis connection (retries: ORDER_MAIL_* config). */
export function orderMailTransport(
  connection: Redis,
  redisPrefix: string,
  retry: { attempts: number; backoffMs: number },
): OrderMailTransport {
  const prefix = queuePrefix(redisPrefix, QUEUES.orderMails);
  return {
    queue: new Queue<OrderMailJob>(QUEUES.orderMails, {
      connection,
      prefix,
      defaultJobOptions: {
        attempts: retry.attempts,
        backoff: { type: 'exponential', delay: retry.backoffMs },
        removeOnComplete: { age: 3600, count: 10_000 },
        removeOnFail: { age: 7 * 86_400 },
      },
    }),
    work: (process) =>
      new Worker<OrderMailJob>(QUEUES.orderMails, process, { connection, prefix, concurrency: 4 }),
  };
}
