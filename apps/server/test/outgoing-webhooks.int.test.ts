import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import type { CheckoutResponse, WebhookDeliveryDto, WebhookEndpointDto } from '@seatrush/shared';
import { startTestStack, type TestStack } from './support/env.ts';
import { staffWithToken } from './support/catalog-fixtures.ts';
import { ordersWorld, type OrdersWorld } from './support/orders-fixtures.ts';
import { waitFor } from './support/wait.ts';
import { signWebhook } from '../src/payments/signature.ts';
import { cancelOrder } from '../src/orders/lifecycle.ts';
import { deriveEvents, emitOutgoingEvent, fanOut } from '../src/integrations/outgoing-webhooks.ts';

/**
 * Issue 16, integrations: endpoints registered by an admin receive the order events, signed per Standard Webhooks,
 * at least once (retried with backoff until they answer 2xx), each event delivered and logged once per endpoint.
 */

interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
  answered: number;
}

let stack: TestStack;
let w: OrdersWorld;
let receiver: Server;
let receiverUrl = '';
const received: Received[] = [];
/** Per path: the statuses to answer, in order; the last one repeats. */
const plan: Record<string, number[]> = {
  '/flaky': [500, 502, 204],
  '/ok': [200],
  '/down': [503],
  '/late': [200],
};
let admin: { token: string };

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '';
      const steps = plan[path] ?? [404];
      const n = received.filter((r) => r.path === path).length;
      const status = steps[Math.min(n, steps.length - 1)]!;
      received.push({
        path,
        headers: req.headers as Record<string, string>,
        body: Buffer.concat(chunks).toString('utf8'),
        answered: status,
      });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  stack = await startTestStack({
    worker: true,
    env: {
      OUTGOING_WEBHOOK_POLL_MS: '50',
      OUTGOING_WEBHOOK_BACKOFF_MS: '20',
      OUTGOING_WEBHOOK_ATTEMPTS: '5',
    },
  });
  w = await ordersWorld(stack, {
    holdTtlSeconds: 600,
    buyers: 4,
    prices: { std: 4200 },
    sections: [{ key: 'A', rows: 1, seatsPerRow: 3, category: 'std' }],
  });
  admin = await staffWithToken(stack.container, 'admin');
});
afterAll(async () => {
  await stack?.close();
  await new Promise<void>((resolve) => {
    receiver?.close(() => resolve());
    receiver?.closeAllConnections();
  });
});

const prisma = () => stack.container.prisma;
let req = 0;

async function register(path: string, events: string[], secret?: string) {
  const r = await w.api<WebhookEndpointDto>('post', '/api/staff/webhooks/endpoints', {
    token: admin.token,
    body: { url: `${receiverUrl}${path}`, events, ...(secret ? { secret } : {}) },
  });
  expect(r.status, r.text).toBe(201);
  return r.json;
}

async function checkout(buyer: number, seats: string[]) {
  const b = w.buyers[buyer]!;
  const h = await w.inv.hold(w.f.showtimeId, { buyerId: b.id, requestId: `ow${req++}`, seats });
  const co = await w.api<CheckoutResponse>('post', `/api/holds/${h.holdId}/checkout`, {
    body: { holdToken: h.holdToken, email: b.email },
  });
  expect(co.status, co.text).toBe(201);
  return {
    holdId: h.holdId,
    holdToken: h.holdToken,
    code: co.json.orderCode,
    ref: co.json.paymentUrl.split('/').pop()!,
  };
}

async function pay(ref: string, amountCents: number) {
  const raw = JSON.stringify({
    id: `evt_ow_${randomBytes(8).toString('hex')}`,
    type: 'payment.succeeded',
    created: Math.floor(Date.now() / 1000),
    data: { providerRef: ref, amountCents, currency: 'EUR' },
  });
  const res = await fetch(`${stack.url}/api/payments/webhook`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'seatrush-signature': signWebhook(
        stack.config.paymentWebhookSecret,
        raw,
        Math.floor(Date.now() / 1000),
      ),
    },
    body: raw,
  });
  expect(res.status).toBe(200);
  expect(((await res.json()) as { outcome: string }).outcome).toBe('paid');
}

const deliveries = async (endpointId: string) =>
  (
    await w.api<{ deliveries: WebhookDeliveryDto[] }>(
      'get',
      `/api/staff/webhooks/deliveries?endpointId=${endpointId}`,
      {
        token: admin.token,
      },
    )
  ).json.deliveries;

describe('outgoing webhooks', () => {
  let flaky: WebhookEndpointDto;
  let ok: WebhookEndpointDto;
  let down: WebhookEndpointDto;
  let paidCode = '';

  it('admin only; bad endpoints answer 400', async () => {
    const boxOffice = await staffWithToken(stack.container, 'box_office');
    const denied = await w.api('post', '/api/staff/webhooks/endpoints', {
      token: boxOffice.token,
      body: { url: `${receiverUrl}/ok`, events: ['order.paid'] },
    });
    expect(denied.status).toBe(403);
    for (const body of [
      { url: 'ftp://example.test/x', events: ['order.paid'] },
      { url: `${receiverUrl}/ok`, events: ['order.shipped'] },
      { url: `${receiverUrl}/ok`, events: [] },
      { url: `${receiverUrl}/ok`, events: ['order.paid'], secret: 'not-a-secret' },
    ]) {
      const r = await w.api<{ error: { code: string } }>('post', '/api/staff/webhooks/endpoints', {
        token: admin.token,
        body,
      });
      expect(r.status, JSON.stringify(body)).toBe(400);
    }
    const temp = await register('/ok', ['order.expired']);
    const off = await w.api<WebhookEndpointDto>('patch', `/api/staff/webhooks/endpoints/${temp.id}`, {
      token: admin.token,
      body: { enabled: false },
    });
    expect(off.status).toBe(200);
    expect(off.json.enabled).toBe(false);
    const bad = await w.api('patch', `/api/staff/webhooks/endpoints/${temp.id}`, {
      token: admin.token,
      body: { enabled: 'yes' },
    });
    expect(bad.status).toBe(400);
    const del = () => w.api('delete', `/api/staff/webhooks/endpoints/${temp.id}`, { token: admin.token });
    expect((await del()).status).toBe(204);
    expect((await del()).status).toBe(404);
    const retryMissing = await w.api('post', '/api/staff/webhooks/deliveries/whd_nope/retry', {
      token: admin.token,
    });
    expect(retryMissing.status).toBe(404);
  });

  it('retries until the endpoint answers 2xx; each event is delivered and logged once per endpoint, signed', async () => {
    flaky = await register('/flaky', ['order.paid', 'order.cancelled']);
    ok = await register('/ok', [
      'order.paid',
      'order.cancelled',
      'order.expired',
      'showtime.sold_out',
      'checkin.redeemed',
    ]);
    down = await register('/down', ['order.paid']);
    await register('/late', ['order.expired']); // subscribed to nothing that happens here

    const o = await checkout(0, ['A-1-1']);
    await pay(o.ref, 4200);
    paidCode = o.code;

    const flakyLog = await waitFor(
      async () => {
        const d = await deliveries(flaky.id);
        return d.length === 1 && d[0]!.status === 'delivered' ? d : null;
      },
      15_000,
      'flaky delivered',
    );
    expect(flakyLog[0]).toMatchObject({ eventType: 'order.paid', attempts: 3, lastStatusCode: 204 });
    const okLog = await waitFor(
      async () => {
        const d = await deliveries(ok.id);
        return d.length === 1 && d[0]!.status === 'delivered' ? d : null;
      },
      15_000,
      'ok delivered',
    );
    expect(okLog[0]!.attempts).toBe(1);
    const downLog = await waitFor(
      async () => {
        const d = await deliveries(down.id);
        return d.length === 1 && d[0]!.status === 'failed' ? d : null;
      },
      15_000,
      'down gave up',
    );
    expect(downLog[0]).toMatchObject({ attempts: 5, lastStatusCode: 503 });

    // The same webhook-id on every attempt and every endpoint; exactly one 2xx per endpoint.
    const eventId = flakyLog[0]!.eventId;
    const atFlaky = received.filter((r) => r.path === '/flaky');
    expect(atFlaky.map((r) => r.answered)).toEqual([500, 502, 204]);
    expect(new Set(received.filter((r) => r.path !== '/late').map((r) => r.headers['webhook-id']))).toEqual(
      new Set([eventId]),
    );
    expect(received.filter((r) => r.path === '/ok' && r.answered < 300)).toHaveLength(1);
    expect(received.filter((r) => r.path === '/late')).toHaveLength(0);

    // Signed per Standard Webhooks: the library verifies it with the endpoint's secret, and not with another.
    const last = atFlaky.at(-1)!;
    const payload = new Webhook(flaky.secret).verify(last.body, last.headers) as {
      type: string;
      data: { orderCode: string; status: string; totalCents: number; currency: string };
    };
    expect(payload).toMatchObject({
      type: 'order.paid',
      data: { orderCode: o.code, status: 'PAID', totalCents: 4200, currency: 'EUR' },
    });
    expect(() => new Webhook(ok.secret).verify(last.body, last.headers)).toThrow();

    // Running the relay's steps again derives and fans out nothing new.
    expect(await deriveEvents(prisma())).toBe(0);
    expect(await fanOut(prisma())).toBe(0);
    expect(await prisma().webhookDelivery.count({ where: { eventId } })).toBe(3);
    expect(received.filter((r) => r.path === '/ok')).toHaveLength(1);
  });

  it('staff retry a failed delivery by hand', async () => {
    plan['/down'] = [200];
    const [failed] = await deliveries(down.id);
    const r = await w.api('post', `/api/staff/webhooks/deliveries/${failed!.id}/retry`, {
      token: admin.token,
    });
    expect(r.status).toBe(202);
    const after = await waitFor(
      async () => {
        const d = await deliveries(down.id);
        return d[0]!.status === 'delivered' ? d[0]! : null;
      },
      15_000,
      'retried delivery',
    );
    expect(after.attempts).toBe(6);
    expect(received.filter((r) => r.path === '/down' && r.answered === 200)).toHaveLength(1);
  });

  it('order.cancelled, showtime.sold_out and checkin.redeemed reach the endpoints that want them', async () => {
    const gone = await checkout(1, ['A-1-2']);
    expect((await cancelOrder(prisma(), gone.holdId, 'system')).outcome).toBe('cancelled');
    await w.inv.release(gone.holdId, gone.holdToken);
    const rest = await checkout(2, ['A-1-2', 'A-1-3']);
    await pay(rest.ref, 8400);
    await prisma().$transaction((tx) =>
      emitOutgoingEvent(tx, {
        id: 'evt_checkin_test1',
        type: 'checkin.redeemed',
        showtimeId: w.f.showtimeId,
        data: { orderCode: paidCode, device: 'Gate A' },
      }),
    );
    // Check-in's own audit entry (application/check-in) is picked up by the relay like the order ones.
    await prisma().auditEntry.create({
      data: {
        actor: 'staff:door1',
        action: 'checkin.redeemed',
        entityType: 'ticket',
        entityId: 'TICKET0001',
        showtimeId: w.f.showtimeId,
        after: { device: 'Gate B', orderCode: paidCode, label: 'A-1-1', offline: false },
      },
    });
    const types = await waitFor(
      async () => {
        const d = await deliveries(ok.id);
        const t = d.filter((x) => x.status === 'delivered').map((x) => x.eventType);
        return t.length === 6 ? t.sort() : null;
      },
      15_000,
      'ok got all six',
    );
    expect(types).toEqual([
      'checkin.redeemed',
      'checkin.redeemed',
      'order.cancelled',
      'order.paid',
      'order.paid',
      'showtime.sold_out',
    ]);
    const scan = received.find((r) => r.path === '/ok' && r.body.includes('TICKET0001'))!;
    expect(new Webhook(ok.secret).verify(scan.body, scan.headers)).toMatchObject({
      type: 'checkin.redeemed',
      data: { ticketCode: 'TICKET0001', device: 'Gate B', orderCode: paidCode, showtimeId: w.f.showtimeId },
    });
    const soldOut = received.find((r) => r.path === '/ok' && r.body.includes('showtime.sold_out'))!;
    expect(new Webhook(ok.secret).verify(soldOut.body, soldOut.headers)).toMatchObject({
      data: { showtimeId: w.f.showtimeId },
    });
    // flaky wants order.paid and order.cancelled only.
    const flakyTypes = await waitFor(
      async () => {
        const d = await deliveries(flaky.id);
        return d.length === 3 && d.every((x) => x.status === 'delivered')
          ? d.map((x) => x.eventType).sort()
          : null;
      },
      15_000,
      'flaky got three',
    );
    expect(flakyTypes).toEqual(['order.cancelled', 'order.paid', 'order.paid']);
  });
});
