import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { transport } from '../../api/client.ts';
import { WebhooksPage } from './WebhooksPage.tsx';

/** The webhooks page against a fake `fetch` answering as the server's staff routes do (checked by zod). */
const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

const realFetch = transport.fetch;
afterEach(() => {
  transport.fetch = realFetch;
  cleanup();
});

const endpoint = {
  id: 'we_1',
  url: 'https://crm.example.test/hook',
  events: ['order.paid'],
  description: '',
  enabled: true,
  secret: 'whsec_c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2Vj',
  createdAt: '2026-12-07T12:00:00.000Z',
};
const delivery = {
  id: 'whd_1',
  endpointId: 'we_1',
  endpointUrl: endpoint.url,
  eventId: 'evt_a42',
  eventType: 'order.paid',
  status: 'failed',
  attempts: 12,
  lastStatusCode: 503,
  lastError: 'HTTP 503',
  lastAttemptAt: '2026-12-07T12:05:00.000Z',
  deliveredAt: null,
  createdAt: '2026-12-07T12:00:00.000Z',
};

describe('WebhooksPage', () => {
  it('lists endpoints and the delivery log, registers an endpoint and sends a delivery again', async () => {
    const calls: Array<{ method: string; path: string; body: unknown }> = [];
    transport.fetch = vi.fn((path: string, init?: { method?: string; body?: string }) => {
      const method = init?.method ?? 'GET';
      calls.push({ method, path, body: init?.body ? JSON.parse(init.body) : undefined });
      if (method === 'GET' && path === '/api/staff/webhooks/endpoints')
        return Promise.resolve(json(200, { endpoints: [endpoint] }));
      if (method === 'GET' && path.startsWith('/api/staff/webhooks/deliveries'))
        return Promise.resolve(json(200, { deliveries: [delivery] }));
      if (method === 'POST' && path === '/api/staff/webhooks/endpoints')
        return Promise.resolve(json(201, { ...endpoint, id: 'we_2', url: 'https://erp.example.test/in' }));
      if (method === 'POST' && path === '/api/staff/webhooks/deliveries/whd_1/retry')
        return Promise.resolve(json(202, { queued: true }));
      return Promise.resolve(json(404, { ok: false, error: { code: 'not_found', message: 'x' } }));
    }) as unknown as typeof fetch;
    render(
      <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
        <MemoryRouter>
          <WebhooksPage />
        </MemoryRouter>
      </QueryClientProvider>,
    );

    const log = await waitFor(() => screen.getByRole('table', { name: 'Webhook deliveries' }));
    expect(log.textContent).toContain('evt_a42');
    expect(log.textContent).toContain('503');
    expect(screen.getByRole('table', { name: 'Webhook endpoints' }).textContent).toContain(endpoint.url);

    fireEvent.click(screen.getByRole('button', { name: `Send order.paid to ${endpoint.url} again` }));
    await waitFor(() =>
      expect(calls.some((c) => c.method === 'POST' && c.path.endsWith('/whd_1/retry'))).toBe(true),
    );

    fireEvent.change(screen.getByLabelText('URL', { exact: false }), {
      target: { value: 'https://erp.example.test/in' },
    });
    fireEvent.click(screen.getByRole('checkbox', { name: 'order.refunded' }));
    fireEvent.click(screen.getByRole('button', { name: 'Add endpoint' }));
    await waitFor(() =>
      expect(
        calls.find((c) => c.method === 'POST' && c.path === '/api/staff/webhooks/endpoints')?.body,
      ).toEqual({
        url: 'https://erp.example.test/in',
        events: ['order.paid', 'order.refunded'],
      }),
    );
  });
});
