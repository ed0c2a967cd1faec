import type { Job } from 'bullmq';
import type { Config } from '../config/index.ts';
import type { PrismaClient } from '../db/prisma.ts';
import type { Mailer } from '../mail/mailer.ts';
import type { Logger } from '../observability/logger.ts';
import {
  deriveOrderMails,
  markOrderMailQueued,
  messageIdHostOf,
  recordOrderMailFailure,
  sendOrderMail,
  unqueuedOrderMails,
} from '../application/order-mails/order-mails.ts';
import { orderMailTransport, type OrderMailJob } from '../queue/order-mails.ts';

export interface OrderMailsDeps {
  config: Pick<Config, 'orderMails' | 'redisPrefix' | 'ticketSigningSecret' | 'mailFrom'>;
  prisma: PrismaClient;
  /** The connection BullMQ uses (the container's). */
  redis: Parameters<typeof orderMailTransport>[0];
  mailer: Mailer;
  logger: Logger;
}

export interface RunningOrderMails {
  /** One relay pass (derive rows from audit entries, enqueue them); the loop runs it every `pollMs`. */
  tick(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The worker role's side of order e-mails (application/order-mails/): a relay loop that turns committed audit
 * entries into sent-log rows and queue jobs (every step idempotent, so several worker nodes may run it), and the
 * BullMQ worker that sends each one at least once, retrying with exponential backoff while SMTP fails.
 */
export function startOrderMails(d: OrderMailsDeps): RunningOrderMails {
  const log = d.logger.child({ module: 'order-mails' });
  const send = {
    prisma: d.prisma,
    mailer: d.mailer,
    ticketSecret: d.config.ticketSigningSecret,
    messageIdHost: messageIdHostOf(d.config.mailFrom),
  };
  const transport = orderMailTransport(d.redis, d.config.redisPrefix, d.config.orderMails);
  const queue = transport.queue;
  const worker = transport.work(async (job: Job<OrderMailJob>) => {
    try {
      return await sendOrderMail(send, job.data.mailId);
    } catch (err) {
      const final = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      await recordOrderMailFailure(d.prisma, job.data.mailId, String(err), final);
      if (final) log.warn({ mailId: job.data.mailId }, 'order e-mail gave up');
      throw err;
    }
  });
  worker.on('failed', (job, err) =>
    log.debug(
      { mailId: job?.data.mailId, attempt: job?.attemptsMade, err: err.message },
      'order e-mail attempt failed',
    ),
  );
  worker.on('error', (err) => log.warn({ err: err.message }, 'order e-mail worker error'));

  let running: Promise<void> | null = null;
  const pass = async () => {
    await deriveOrderMails(d.prisma);
    for (const mailId of await unqueuedOrderMails(d.prisma)) {
      await queue.add('send', { mailId }, { jobId: mailId });
      await markOrderMailQueued(d.prisma, mailId);
    }
  };
  const tick = () => {
    running ??= pass()
      .catch((err: unknown) => log.warn({ err }, 'order e-mail relay pass failed'))
      .finally(() => {
        running = null;
      });
    return running;
  };
  const timer = setInterval(() => void tick(), d.config.orderMails.pollMs);
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
