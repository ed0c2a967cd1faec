import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorBody } from '@seatrush/shared';
import { signWebhook } from '../src/payments/signature.ts';
import { startTestStack, type TestStack } from './support/env.ts';
import { apiClient, staffWithToken, unique, type Api } from './support/catalog-fixtures.ts';
import { createShowtimeFixture, type Fixture } from './support/inventory-fixtures.ts';

/**
 * Issue 14, finding 12: input that used to reach PostgreSQL or Redis and come back as `500 internal` — a NUL byte
 * (PostgreSQL 22021), an empty seat list (Redis "wrong number of arguments"), a webhook event id with a NUL — is
 * answered with a 4xx, a stable code and a message; 20 buyers starting a session for one new e-mail at once all
 * get one.
 */

type Err = { ok: false; error: ErrorBody };

let stack: TestStack;
let api: Api;
let staff: Awaited<ReturnType<typeof staffWithToken>>;
let f: Fixture;

beforeAll(async () => {
  stack = await startTestStack();
  api = apiClient(stack.url);
  staff = await staffWithToken(stack.container, 'admin');
  f = await createShowtimeFixture(stack.container.prisma, { prices: { std: 1000 } });
});
afterAll(async () => {
  await stack?.close();
});

function expect400(r: { status: number; json: unknown; text: string }, path?: string) {
  expect(r.status, r.text).toBe(400);
  const e = (r.json as Err).error;
  expect(e.code).toBe('validation_failed');
  expect(e.message.length).toBeGreaterThan(0);
  if (path) expect(e.issues?.map((i) => i.path)).toContain(path);
}

describe('NUL bytes', () => {
  it('in a JSON string of a staff route: 400 validation_failed naming the field', async () => {
    const r = await api<Err>('post', '/api/staff/events', {
      token: staff.token,
      body: { slug: unique('nul'), name: 'Bad\u0000name' },
    });
    expect400(r, 'body.name');
  });

  it('in a nested JSON string and in a query string', async () => {
    const nested = await api<Err>('post', '/api/staff/events', {
      token: staff.token,
      body: { slug: unique('nul'), name: 'Fine', description: 'a\u0000b' },
    });
    expect(nested.status, nested.text).toBe(400);
    expect400(await api<Err>('get', '/api/staff/orders?q=ab%00cd', { token: staff.token }), 'query.q');
  });

  it('in the id of a correctly signed webhook event: 4xx, nothing recorded', async () => {
    const raw = JSON.stringify({
      id: 'evt_\u0000nul',
      type: 'payment.succeeded',
      created: Math.floor(Date.now() / 1000),
      data: { providerRef: 'sbx_000000000000000000000000', amountCents: 100, currency: 'EUR' },
    });
    const r = await api<Err>('post', '/api/payments/webhook', {
      rawBody: raw,
      headers: {
        'content-type': 'application/json',
        'seatrush-signature': signWebhook(
          stack.config.paymentWebhookSecret,
          raw,
          Math.floor(Date.now() / 1000),
        ),
      },
    });
    expect(r.status, r.text).toBeGreaterThanOrEqual(400);
    expect(r.status, r.text).toBeLessThan(500);
    expect(r.json.error.message.length).toBeGreaterThan(0);
  });
});

describe('seat owners', () => {
  it('answers `seats=` (no seat named) with a 400 that says what to send', async () => {
    const path = `/api/staff/showtimes/${f.showtimeId}/seats/owners`;
    for (const q of ['?seats=', '?seats=,,', '?seats=%20'])
      expect400(await api<Err>('get', `${path}${q}`, { token: staff.token }), 'query.seats');
    expect((await api('get', `${path}?seats=A-1-1`, { token: staff.token })).status).toBe(200);
  });
});

describe('buyer sessions', () => {
  it('gives all of 20 concurrent sessions for one new e-mail the same buyer (unique-key race)', async () => {
    // A few rounds: one round may happen to run the creates one after another.
    for (let round = 0; round < 5; round++) {
      const email = `race-${randomUUID()}@example.test`;
      const answers = await Promise.all(
        Array.from({ length: 20 }, () =>
          api<{ buyerId: string }>('post', '/api/buyer/session', { body: { email } }),
        ),
      );
      expect(answers.map((a) => a.status)).toEqual(Array(20).fill(201));
      expect(new Set(answers.map((a) => a.json.buyerId)).size).toBe(1);
      expect(await stack.container.prisma.buyer.count({ where: { email } })).toBe(1);
    }
  });
});
