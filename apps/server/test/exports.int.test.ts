import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CounterSaleResult } from '@seatrush/shared';
import { startTestStack, type TestStack } from './support/env.ts';
import { staffWithToken, type ErrorEnvelope } from './support/catalog-fixtures.ts';
import { ordersWorld, type OrdersWorld } from './support/orders-fixtures.ts';
import { seedSoldTickets } from './support/export-fixtures.ts';
import { exportShowtimeCsv } from '../src/application/exports/showtime-export.ts';
import { csvCell } from '../src/application/exports/csv.ts';

/**
 * Issue 16's exports: CSV of a showtime's orders, tickets and check-ins, streamed page by page from one cursor.
 * 2,345 seeded tickets here (three pages and a bit); bench/exports measures memory at 100,000.
 */

const SEEDED = 2_345;
let stack: TestStack;
let w: OrdersWorld;
let box: Awaited<ReturnType<typeof staffWithToken>>;
let sale: CounterSaleResult['order'];
const NASTY = '=HYPERLINK("x"),y@example.test';

beforeAll(async () => {
  stack = await startTestStack({ worker: true });
  w = await ordersWorld(stack, {
    sections: [{ key: 'A', rows: 2, seatsPerRow: 5, category: 'std' }],
    gaZones: [{ key: 'ga', capacity: 10_000, category: 'ga' }],
    prices: { std: 4000, ga: 2500 },
    perBuyerLimit: null,
    buyers: 1,
  });
  box = await staffWithToken(stack.container, 'box_office');
  const r = await w.api<CounterSaleResult>('post', `/api/staff/showtimes/${w.f.showtimeId}/counter-sale`, {
    body: { seats: ['A-1-1', 'A-1-2'], method: 'cash', buyerEmail: 'walk.in@example.test' },
    token: box.token,
  });
  expect(r.status, r.text).toBe(201);
  sale = r.json.order;
  // A buyer e-mail a spreadsheet would run as a formula, with a quote and a comma in it.
  await stack.container.prisma.buyer.update({
    where: { email: 'walk.in@example.test' },
    data: { email: NASTY },
  });
  const scan = await w.api('post', '/api/checkin/redeem', {
    body: { payload: sale.tickets[0]!.qrPayload, device: 'Gate "North", 1' },
    token: box.token,
  });
  expect(scan.status, scan.text).toBe(200);
  await seedSoldTickets(stack.container.prisma, w.f.showtimeId, SEEDED);
}, 120_000);
afterAll(async () => {
  await stack?.close();
});

/** RFC 4180: quoted fields, doubled quotes, CRLF records. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  expect(field, 'the file ends with CRLF').toBe('');
  return rows;
}

const get = (kind: string, token = box.token) =>
  w.api<ErrorEnvelope>('get', `/api/staff/showtimes/${w.f.showtimeId}/export/${kind}`, { token });

describe('CSV exports', () => {
  it('tickets: every ticket once, with its order, buyer and check-in; cells escaped', async () => {
    const r = await get('tickets');
    expect(r.status, r.text.slice(0, 300)).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(r.headers.get('content-disposition')).toContain(`showtime-${w.f.showtimeId}-tickets.csv`);
    const [header, ...rows] = parseCsv(r.text);
    expect(header).toEqual([
      'ticket_code',
      'order_code',
      'order_status',
      'ticket_status',
      'seat',
      'zone',
      'category',
      'price_cents',
      'currency',
      'buyer_email',
      'paid_at',
      'checked_in_at',
      'check_in_device',
    ]);
    expect(rows).toHaveLength(SEEDED + 2);
    expect(new Set(rows.map((x) => x[0])).size).toBe(rows.length);
    const scanned = rows.find((x) => x[0] === sale.tickets[0]!.ticketCode)!;
    expect(scanned.slice(1, 10)).toEqual([
      sale.code,
      'PAID',
      'active',
      sale.tickets[0]!.label,
      '',
      'std',
      '4000',
      'EUR',
      `'${NASTY}`,
    ]);
    expect(Date.parse(scanned[11]!)).not.toBeNaN();
    expect(scanned[12]).toBe('Gate "North", 1');
    expect(rows.filter((x) => x[11] !== '')).toHaveLength(1);
    const seeded = rows.filter((x) => x[5] === 'ga');
    expect(seeded).toHaveLength(SEEDED);
    expect(seeded.every((x) => x[7] === '2500' && x[2] === 'PAID')).toBe(true);
  });

  it('orders and check-ins', async () => {
    const orders = parseCsv((await get('orders')).text);
    expect(orders[0]).toEqual([
      'order_code',
      'status',
      'channel',
      'buyer_email',
      'tickets',
      'total_cents',
      'refunded_cents',
      'currency',
      'created_at',
      'paid_at',
    ]);
    expect(orders.slice(1)).toHaveLength(Math.ceil(SEEDED / 4) + 1);
    expect(orders.find((x) => x[0] === sale.code)!.slice(0, 8)).toEqual([
      sale.code,
      'PAID',
      'counter',
      `'${NASTY}`,
      '2',
      '8000',
      '0',
      'EUR',
    ]);
    expect(orders.slice(1).reduce((n, x) => n + Number(x[4]), 0)).toBe(SEEDED + 2);

    const checkins = parseCsv((await get('checkins')).text);
    expect(checkins).toHaveLength(2);
    expect(checkins[1]!.slice(0, 5)).toEqual([
      sale.tickets[0]!.ticketCode,
      sale.code,
      sale.tickets[0]!.label,
      '',
      'std',
    ]);
    expect(checkins[1]!.slice(6)).toEqual(['Gate "North", 1', 'Test box_office (API token)', 'false']);
  });

  it('is streamed: one page of rows per chunk, the next page read only after the sink took the last', async () => {
    let pending = 0;
    let maxPending = 0;
    const chunks: string[] = [];
    const rows = await exportShowtimeCsv(
      stack.container.prisma,
      w.f.showtimeId,
      'tickets',
      async (chunk) => {
        pending++;
        maxPending = Math.max(maxPending, pending);
        chunks.push(chunk);
        await Promise.resolve();
        pending--;
      },
      { pageSize: 500 },
    );
    expect(rows).toBe(SEEDED + 2);
    expect(chunks).toHaveLength(1 + Math.ceil((SEEDED + 2) / 500));
    expect(chunks.slice(1).map((c) => c.split('\r\n').length - 1)).toEqual([500, 500, 500, 500, 347]);
    expect(maxPending).toBe(1);
  });

  it('a sink that fails ends the export and releases the cursor’s transaction', async () => {
    let calls = 0;
    await expect(
      exportShowtimeCsv(
        stack.container.prisma,
        w.f.showtimeId,
        'tickets',
        () => (++calls === 3 ? Promise.reject(new Error('client went away')) : Promise.resolve()),
        { pageSize: 100 },
      ),
    ).rejects.toThrow('client went away');
    expect(calls).toBe(3);
    // The pool still serves queries (the transaction was rolled back, not left open).
    expect(await stack.container.prisma.order.count({ where: { showtimeId: w.f.showtimeId } })).toBe(
      Math.ceil(SEEDED / 4) + 1,
    );
  });

  it('refuses an unknown showtime (404) and an unknown kind (404) before writing anything', async () => {
    const missing = await w.api<ErrorEnvelope>('get', '/api/staff/showtimes/nope/export/tickets', {
      token: box.token,
    });
    expect(missing.status).toBe(404);
    expect(missing.json.error.code).toBe('not_found');
    const kind = await get('payments');
    // Path parameters that name nothing answer 404 (the route table's rule), naming the parameter.
    expect(kind.status, kind.text).toBe(404);
    expect(kind.json.error.issues?.[0]?.path).toBe('params.kind');
  });

  it('escapes cells as RFC 4180 says and neutralises formulas', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('-2')).toBe("'-2");
    expect(csvCell(-2)).toBe('-2');
    expect(csvCell(null)).toBe('');
    expect(csvCell(new Date(0))).toBe('1970-01-01T00:00:00.000Z');
  });
});
