import type { Job } from 'bullmq';
import type { PrismaClient } from '../db/prisma.ts';
import type { Logger } from '../observability/logger.ts';
import {
  attemptDelivery,
  deriveEvents,
  deriveSoldOut,
  fanOut,
  markQueued,
  unqueuedDeliveries,
} from '../integrations/outgoing-webhooks.ts';
import {
  outgoingJobId,
  type OutgoingWebhookJob,
  type OutgoingWebhookTransport,
} from '../queue/outgoing-webhooks.ts';

/** Longer than any transaction that writes an audit entry (order transactions run up to 20 s), plus clock skew. */
const RECHECK_MARGIN_SECONDS = 90;

export interface OutgoingWebhooksDeps {
  prisma: PrismaClient;
  transport: OutgoingWebhookTransport;
  logger: Logger;
  pollMs: number;
  now?: () => number;
}

export interface RunningOutgoingWebhooks {
  /** One relay pass (derive, fan out, enqueue); the loop calls it every `pollMs`. */
  tick(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The worker role's side of outgoing webhooks: a relay loop that turns committed audit entries into events,
 * deliveries and queue jobs (every step idempotent, so several worker nodes may run it), and the BullMQ worker that
 * delivers them with exponential backoff (integrations/outgoing-webhooks.ts).
 */
export function startOutgoingWebhooks(d: OutgoingWebhooksDeps): RunningOutgoingWebhooks {
  const log = d.logger.child({ module: 'outgoing-webhooks' });
  const now = d.now ?? Date.now;
  const queue = d.transport.queue;
  const worker = d.transport.work(async (job: Job<OutgoingWebhookJob>) => {
    const final = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const r = await attemptDelivery(d.prisma, job.data, { now, final });
    if (r === 'failed_final') log.warn({ deliveryId: job.data.deliveryId }, 'webhook delivery gave up');
    return r;
  });
  worker.on('failed', (job, err) =>
    log.debug(
      { deliveryId: job?.data.deliveryId, attempt: job?.attemptsMade, err: err.message },
      'webhook attempt failed',
    ),
  );
  worker.on('error', (err) => log.warn({ err: err.message }, 'outgoing webhook worker error'));

  let running: Promise<void> | null = null;
  /** When the last complete pass started: the next one looks back from there, plus a margin for slow commits. */
  let lastPassAt: number | null = null;
  const pass = async () => {
    const started = Date.now();
    await deriveEvents(
      d.prisma,
      lastPassAt === null ? undefined : (started - lastPassAt) / 1000 + RECHECK_MARGIN_SECONDS,
    );
    await deriveSoldOut(d.prisma);
    await fanOut(d.prisma);
    for (const del of await unqueuedDeliveries(d.prisma)) {
      const job = { deliveryId: del.id, round: del.round };
      await queue.add('deliver', job, { jobId: outgoingJobId(job) });
      await markQueued(d.prisma, del);
    }
    lastPassAt = started;
  };
  const tick = () => {
    running ??= pass()
      .catch((err: unknown) => log.warn({ err }, 'outgoing webhook relay pass failed'))
      .finally(() => {
        running = null;
      });
    return running;
  };
  const timer = setInterval(() => void tick(), d.pollMs);
  timer.unref();

  return {
    tick,
    async stop() {
      clearInterval(timer);
      await running;
      await worker.close();
      await queue.close();
    },
  };
}
