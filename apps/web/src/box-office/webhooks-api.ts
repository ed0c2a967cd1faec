/** The outgoing-webhook part of the staff API (docs/webhooks.md), checked with the shared schemas. */
import {
  webhookDeliveryListSchema,
  webhookEndpointListSchema,
  webhookEndpointSchema,
  type WebhookEndpointCreate,
} from '@seatrush/shared';
import { z } from 'zod';
import { request } from '../api/client.ts';

const enc = encodeURIComponent;

export const webhookKeys = {
  all: ['staff', 'webhooks'] as const,
  endpoints: ['staff', 'webhooks', 'endpoints'] as const,
  deliveries: (status: string) => ['staff', 'webhooks', 'deliveries', status] as const,
};

export const webhooksApi = {
  endpoints: (signal?: AbortSignal) =>
    request('/api/staff/webhooks/endpoints', { signal, schema: webhookEndpointListSchema }),
  createEndpoint: (body: WebhookEndpointCreate) =>
    request('/api/staff/webhooks/endpoints', { method: 'POST', body, schema: webhookEndpointSchema }),
  setEnabled: (id: string, enabled: boolean) =>
    request(`/api/staff/webhooks/endpoints/${enc(id)}`, {
      method: 'PATCH',
      body: { enabled },
      schema: webhookEndpointSchema,
    }),
  deleteEndpoint: (id: string) =>
    request<void>(`/api/staff/webhooks/endpoints/${enc(id)}`, { method: 'DELETE' }),
  deliveries: (status: string, signal?: AbortSignal) =>
    request(`/api/staff/webhooks/deliveries?limit=100${status ? `&status=${enc(status)}` : ''}`, {
      signal,
      schema: webhookDeliveryListSchema,
    }),
  retry: (id: string) =>
    request(`/api/staff/webhooks/deliveries/${enc(id)}/retry`, {
      method: 'POST',
      schema: z.object({ queued: z.literal(true) }),
    }),
};
