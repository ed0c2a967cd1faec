import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckoutResponse } from '@seatrush/shared';
import { createContainer } from '../src/container.ts';
import { startNode } from '../src/node.ts';
import { createTestDatabase } from './support/db.ts';
import { testConfig, type TestStack } from './support/env.ts';
import { ordersWorld, type OrdersWorld } from './support/orders-fixtures.ts';

/**
 * Issue 14, finding 9: in production the sandbox payment provider (card 4242 = free tickets) runs only when chosen
 * with PAYMENT_PROVIDER=sandbox, and then says so — a warning in the logs at start and a visible note on its
 * payment page. Without the choice the process refuses to start.
 */

const secrets = () => ({
  SESSION_SECRET: randomBytes(32).toString('base64url'),
  TICKET_SIGNING_SECRET: randomBytes(32).toString('base64url'),
  PAYMENT_WEBHOOK_SECRET: randomBytes(32).toString('base64url'),
});

const root = join(import.meta.dirname, '..', '..', '..');

let stack: TestStack;
let w: OrdersWorld;
const logs: Array<{ level: number; msg: string }> = [];

beforeAll(async () => {
  const db = await createTestDatabase();
  const config = testConfig({
    DATABASE_URL: db.url,
    NODE_ENV: 'production',
    PAYMENT_PROVIDER: 'sandbox',
    ...secrets(),
  });
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean))
        logs.push(JSON.parse(line) as { level: number; msg: string });
      done();
    },
  });
  const container = createContainer(config, pino({ level: 'warn' }, sink));
  const node = await startNode(container, { web: true, worker: false, port: 0 });
  stack = {
    config,
    container,
    node,
    url: node.url,
    async close() {
      await node.stop();
      await container.close();
      await db.drop();
    },
  };
  w = await ordersWorld(stack, { prices: { std: 1800 }, buyers: 0 });
});
afterAll(async () => {
  await stack?.close();
});

describe('the sandbox provider in production', () => {
  it('warns at start that payments are simulated', () => {
    const warning = logs.find((l) => l.level === 40 && /sandbox/i.test(l.msg));
    expect(warning?.msg).toMatch(/no real money/i);
  });

  it('shows a visible "no real money" note on its payment page', async () => {
    const email = `sbx-${randomUUID()}@example.test`;
    const s = await w.api<{ token: string }>('post', '/api/buyer/session', { body: { email } });
    const h = await w.api<{ holdId: string; holdToken: string }>(
      'post',
      `/api/showtimes/${w.f.showtimeId}/holds`,
      {
        body: { seats: [w.f.seatLabels[0]] },
        headers: { authorization: `Bearer ${s.json.token}`, 'idempotency-key': randomUUID() },
      },
    );
    expect(h.status, h.text).toBe(201);
    const co = await w.api<CheckoutResponse>('post', `/api/holds/${h.json.holdId}/checkout`, {
      body: { holdToken: h.json.holdToken, email },
    });
    expect(co.status, co.text).toBe(201);
    const page = await fetch(`${stack.url}/sandbox-pay/${co.json.paymentUrl.split('/').pop()}`);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toMatch(/<title>[^<]*no real money[^<]*<\/title>/i);
    expect(html).toMatch(/<[^>]+role="note"[^>]*>\s*<strong>Sandbox — no real money\.<\/strong>/);
  });

  it('refuses to start in production when the provider was not chosen', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts', '--role', 'web'], {
      cwd: root,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        ...secrets(),
        REDIS_URL: 'redis://127.0.0.1:1',
        DATABASE_URL: 'postgres://postgres@127.0.0.1:1/x',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(err.trim()).toMatch(/^seatrush: PAYMENT_PROVIDER must be set when NODE_ENV=production\./);
    expect(err).toMatch(/PAYMENT_PROVIDER=sandbox/);
  });
});
