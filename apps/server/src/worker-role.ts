import type { Container } from './container.ts';
import type { OrdersModule } from './orders-module.ts';
import type { Mailer } from './mail/mailer.ts';
import { startOutgoingWebhooks } from './jobs/outgoing-webhooks.ts';
import { startOrderMails } from './jobs/order-mails.ts';
import { OUTGOING_WEBHOOKS_QUEUE, outgoingWebhookTransport } from './queue/outgoing-webhooks.ts';
import { moveLegacyJobs } from './queue/legacy-prefix.ts';
import { QUEUES } from './queue/queues.ts';

/** The worker role: BullMQ workers (closed on stop: current jobs finish), outgoing webhooks, order mails. */
export async function startWorkerRole(
  c: Container,
  services: { orders: OrdersModule; mailer: Mailer },
): Promise<Array<() => Promise<void>>> {
  // Jobs an older version left under the single queue tag move to their queue's own tag first (issue 18).
  await moveLegacyJobs(
    c.redis,
    c.config.redisPrefix,
    [...Object.values(QUEUES), OUTGOING_WEBHOOKS_QUEUE],
    c.logger,
  );
  const workers = await services.orders.startWorkers();
  const outgoing = startOutgoingWebhooks({
    prisma: c.prisma,
    transport: outgoingWebhookTransport(c.redis, c.config.redisPrefix, c.config.outgoingWebhooks),
    logger: c.logger,
    pollMs: c.config.outgoingWebhooks.pollMs,
  });
  const stops = [() => workers.stop(), () => outgoing.stop()];
  if (c.config.orderMails.enabled) {
    const mails = startOrderMails({ ...c, mailer: services.mailer });
    stops.push(() => mails.stop());
  }
  return stops;
}
