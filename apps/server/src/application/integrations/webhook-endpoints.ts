import type { WebhookDeliveryDto, WebhookEndpointDto } from '@seatrush/shared';
import type { PrismaClient } from '../../db/prisma.ts';
import { DomainError } from '../../domain/errors.ts';
import { writeAudit } from '../../audit/audit.ts';
import { newEndpointId, newWebhookSecret } from '../../integrations/outgoing-webhooks.ts';

/**
 * Staff (admin) management of outgoing webhooks: endpoints (URL, events, secret), the delivery log and manual
 * retry. Every change is audited (`webhook_endpoint.*`, `webhook_delivery.retried`).
 */

type EndpointRow = Awaited<ReturnType<PrismaClient['webhookEndpoint']['findFirstOrThrow']>>;

const endpointDto = (e: EndpointRow): WebhookEndpointDto => ({
  id: e.id,
  url: e.url,
  events: e.events,
  description: e.description,
  enabled: e.enabled,
  secret: e.secret,
  createdAt: e.createdAt.toISOString(),
});

export async function listEndpoints(prisma: PrismaClient): Promise<{ endpoints: WebhookEndpointDto[] }> {
  const rows = await prisma.webhookEndpoint.findMany({ orderBy: { createdAt: 'asc' } });
  return { endpoints: rows.map(endpointDto) };
}

/** Registers an endpoint; it receives the events that happen from now on. */
export async function createEndpoint(
  prisma: PrismaClient,
  input: { url: string; events: string[]; description?: string | undefined; secret?: string | undefined },
  actor: string,
): Promise<WebhookEndpointDto> {
  return prisma.$transaction(async (tx) => {
    const e = await tx.webhookEndpoint.create({
      data: {
        id: newEndpointId(),
        url: input.url,
        events: [...new Set(input.events)],
        description: input.description ?? '',
        secret: input.secret ?? newWebhookSecret(),
        createdBy: actor,
      },
    });
    await writeAudit(tx, {
      actor,
      action: 'webhook_endpoint.created',
      entityType: 'webhook_endpoint',
      entityId: e.id,
      after: { url: e.url, events: e.events },
    });
    return endpointDto(e);
  });
}

/** @throws DomainError `not_found`. */
export async function updateEndpoint(
  prisma: PrismaClient,
  id: string,
  input: { enabled?: boolean | undefined; events?: string[] | undefined; description?: string | undefined },
  actor: string,
): Promise<WebhookEndpointDto> {
  return prisma.$transaction(async (tx) => {
    const before = await tx.webhookEndpoint.findUnique({ where: { id } });
    if (!before) throw new DomainError('not_found', 'No such webhook endpoint.');
    const e = await tx.webhookEndpoint.update({
      where: { id },
      data: {
        ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
        ...(input.events ? { events: [...new Set(input.events)] } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
      },
    });
    await writeAudit(tx, {
      actor,
      action: 'webhook_endpoint.updated',
      entityType: 'webhook_endpoint',
      entityId: id,
      before: { enabled: before.enabled, events: before.events },
      after: { enabled: e.enabled, events: e.events },
    });
    return endpointDto(e);
  });
}

/** Deletes an endpoint and its delivery log. @throws DomainError `not_found`. */
export async function deleteEndpoint(prisma: PrismaClient, id: string, actor: string): Promise<void> {
  await prisma.$transaction(async (tx) => {
    const gone = await tx.webhookEndpoint.deleteMany({ where: { id } });
    if (gone.count === 0) throw new DomainError('not_found', 'No such webhook endpoint.');
    await writeAudit(tx, {
      actor,
      action: 'webhook_endpoint.deleted',
      entityType: 'webhook_endpoint',
      entityId: id,
    });
  });
}

export async function listDeliveries(
  prisma: PrismaClient,
  q: {
    status?: 'pending' | 'delivered' | 'failed' | undefined;
    endpointId?: string | undefined;
    limit: number;
  },
): Promise<{ deliveries: WebhookDeliveryDto[] }> {
  const rows = await prisma.webhookDelivery.findMany({
    where: {
      ...(q.status ? { status: q.status } : {}),
      ...(q.endpointId ? { endpointId: q.endpointId } : {}),
    },
    include: { event: { select: { type: true } }, endpoint: { select: { url: true } } },
    orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
    take: q.limit,
  });
  return {
    deliveries: rows.map((d) => ({
      id: d.id,
      endpointId: d.endpointId,
      endpointUrl: d.endpoint.url,
      eventId: d.eventId,
      eventType: d.event.type,
      status: d.status,
      attempts: d.attempts,
      lastStatusCode: d.lastStatusCode,
      lastError: d.lastError,
      lastAttemptAt: d.lastAttemptAt?.toISOString() ?? null,
      deliveredAt: d.deliveredAt?.toISOString() ?? null,
      createdAt: d.createdAt.toISOString(),
    })),
  };
}

/**
 * Sends a delivery again: a new round with fresh attempts (the relay queues it within OUTGOING_WEBHOOK_POLL_MS).
 * A delivered one is sent again too — the receiver asked for it; it dedupes on `webhook-id`.
 * @throws DomainError `not_found`.
 */
export async function retryDelivery(prisma: PrismaClient, id: string, actor: string): Promise<void> {
  await prisma.$transaction(async (tx) => {
    const d = await tx.webhookDelivery.findUnique({ where: { id } });
    if (!d) throw new DomainError('not_found', 'No such delivery.');
    await tx.webhookDelivery.update({
      where: { id },
      data: { status: 'pending', round: { increment: 1 }, deliveredAt: null },
    });
    await writeAudit(tx, {
      actor,
      action: 'webhook_delivery.retried',
      entityType: 'webhook_delivery',
      entityId: id,
      before: { status: d.status, attempts: d.attempts },
    });
  });
}
