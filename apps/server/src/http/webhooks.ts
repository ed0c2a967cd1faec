import { z } from 'zod';
import {
  idParamsSchema,
  webhookDeliveryListSchema,
  webhookDeliveryQuerySchema,
  webhookEndpointCreateSchema,
  webhookEndpointListSchema,
  webhookEndpointSchema,
  webhookEndpointUpdateSchema,
} from '@seatrush/shared';
import type { PrismaClient } from '../db/prisma.ts';
import { actorOf } from '../auth/principal.ts';
import {
  createEndpoint,
  deleteEndpoint,
  listDeliveries,
  listEndpoints,
  retryDelivery,
  updateEndpoint,
} from '../application/integrations/webhook-endpoints.ts';
import { route, type RouteDef } from './route.ts';

const tags = ['webhooks'];

/** Outgoing webhooks for integrators (docs/webhooks.md): admin only. */
export function webhookRoutes(deps: { prisma: PrismaClient }): RouteDef[] {
  const { prisma } = deps;
  return [
    route({
      method: 'get',
      path: '/api/staff/webhooks/endpoints',
      access: 'admin',
      summary: 'Outgoing webhook endpoints, with their signing secrets',
      tags,
      response: webhookEndpointListSchema,
      handler: async () => ({ body: await listEndpoints(prisma) }),
    }),
    route({
      method: 'post',
      path: '/api/staff/webhooks/endpoints',
      access: 'admin',
      summary: 'Register an endpoint (URL, events, optional whsec_ secret); it gets the events from now on',
      tags,
      body: webhookEndpointCreateSchema,
      response: webhookEndpointSchema,
      handler: async ({ body, principal }) => ({
        status: 201,
        body: await createEndpoint(prisma, body, actorOf(principal)),
      }),
    }),
    route({
      method: 'patch',
      path: '/api/staff/webhooks/endpoints/:id',
      access: 'admin',
      summary: 'Enable or disable an endpoint, or change its events',
      tags,
      params: idParamsSchema,
      body: webhookEndpointUpdateSchema,
      response: webhookEndpointSchema,
      handler: async ({ params, body, principal }) => ({
        body: await updateEndpoint(prisma, params.id, body, actorOf(principal)),
      }),
    }),
    route({
      method: 'delete',
      path: '/api/staff/webhooks/endpoints/:id',
      access: 'admin',
      summary: 'Delete an endpoint and its delivery log',
      tags,
      params: idParamsSchema,
      handler: async ({ params, principal }) => {
        await deleteEndpoint(prisma, params.id, actorOf(principal));
        return { status: 204 };
      },
    }),
    route({
      method: 'get',
      path: '/api/staff/webhooks/deliveries',
      access: 'admin',
      summary: 'The delivery log, newest first: one row per event and endpoint',
      tags,
      query: webhookDeliveryQuerySchema,
      response: webhookDeliveryListSchema,
      handler: async ({ query }) => ({ body: await listDeliveries(prisma, query) }),
    }),
    route({
      method: 'post',
      path: '/api/staff/webhooks/deliveries/:id/retry',
      access: 'admin',
      summary: 'Send a delivery again (a new round of attempts)',
      tags,
      params: idParamsSchema,
      response: z.object({ queued: z.literal(true) }),
      handler: async ({ params, principal }) => {
        await retryDelivery(prisma, params.id, actorOf(principal));
        return { status: 202, body: { queued: true as const } };
      },
    }),
  ];
}
