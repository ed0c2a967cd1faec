/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-explicit-any --
   Response bodies are read untyped on purpose: the assertions are what check their shape. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Inventory } from '../src/inventory/inventory.ts';
import { stackInventory, startTestStack, type TestStack } from './support/env.ts';
import { createShowtimeFixture, type Fixture } from './support/inventory-fixtures.ts';

/**
 * The buyer HTTP API of the inventory, through a real node: guest sessions, holds (answered by the hot-path
 * dispatcher), release, availability, their errors, and the flash-sale race: 20,000 requests for 10,000 tickets.
 */

let stack: TestStack;
let inv: Inventory;

beforeAll(async () => {
  stack = await startTestStack();
  inv = stackInventory(stack);
});
afterAll(async () => {
  await stack.close();
});

interface Res {
  status: number;
  body: any;
  headers: Headers;
}

async function call(
  method: string,
  path: string,
  opts: { json?: unknown; body?: string; headers?: Record<string, string> } = {},
): Promise<Res> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  let body: string | undefined = opts.body;
  if (opts.json !== undefined) {
    body = JSON.stringify(opts.json);
    headers['content-type'] ??= 'application/json';
  }
  const r = await fetch(`${stack.url}${path}`, { method, headers, body });
  const text = await r.text();
  return { status: r.status, body: text ? (JSON.parse(text) as unknown) : undefined, headers: r.headers };
}

async function session(
  email = `buyer-${randomUUID()}@Example.test`,
): Promise<{ token: string; buyerId: string; cookie: string }> {
  const r = await call('POST', '/api/buyer/session', { json: { email } });
  expect(r.status).toBe(201);
  return {
    token: r.body.token,
    buyerId: r.body.buyerId,
    cookie: r.headers.get('set-cookie')!.split(';')[0]!,
  };
}

/** The node's Prometheus series (`name{labels}` → value). */
async function scrape(): Promise<Map<string, number>> {
  const text = await (await fetch(`${stack.node.metricsUrl}/metrics`)).text();
  const series = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^(\S+) (\S+)$/.exec(line);
    if (m && !line.startsWith('#')) series.set(m[1]!, Number(m[2]));
  }
  return series;
}

const holdPath = (id: string) => `/api/showtimes/${id}/holds`;
const as = (token: string, key: string | null = randomUUID()) => ({
  authorization: `Bearer ${token}`,
  ...(key ? { 'idempotency-key': key } : {}),
});

async function seated(opts: Parameters<typeof createShowtimeFixture>[1] = {}): Promise<Fixture> {
  return createShowtimeFixture(stack.container.prisma, {
    sections: [{ key: 'A', rows: 2, seatsPerRow: 5, category: 'std' }],
    gaZones: [{ key: 'ga', capacity: 4, category: 'floor' }],
    prices: { std: 1500, floor: 900 },
    perBuyerLimit: 6,
    ...opts,
  });
}

describe('buyer sessions', () => {
  it('issues a signed session as a cookie and a token, for one buyer per email', async () => {
    const r = await call('POST', '/api/buyer/session', { json: { email: '  Ada@Example.TEST ' } });
    expect(r.status).toBe(400);
    const ok = await call('POST', '/api/buyer/session', { json: { email: 'Ada@Example.test' } });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({
      email: 'ada@example.test',
      buyerId: expect.any(String),
      token: expect.stringMatching(/^srb1\./),
    });
    const cookie = ok.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^sr_buyer=srb1\./);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    const again = await call('POST', '/api/buyer/session', { json: { email: 'ada@example.TEST' } });
    expect(again.body.buyerId).toBe(ok.body.buyerId);
    expect(await stack.container.prisma.buyer.count({ where: { email: 'ada@example.test' } })).toBe(1);

    const ways: Array<Record<string, string>> = [
      { authorization: `Bearer ${ok.body.token}` },
      { 'x-buyer-token': ok.body.token },
      { cookie: cookie.split(';')[0]! },
    ];
    for (const headers of ways) {
      const me = await call('GET', '/api/buyer/session', { headers });
      expect(me.status).toBe(200);
      expect(me.body).toEqual({ buyerId: ok.body.buyerId, email: 'ada@example.test', verified: false });
    }
    expect((await call('GET', '/api/buyer/session')).status).toBe(401);
    const forged = (ok.body.token as string).replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    expect((await call('GET', '/api/buyer/session', { headers: { 'x-buyer-token': forged } })).status).toBe(
      401,
    );
    expect(
      (await call('POST', '/api/buyer/session', { json: { email: 'not-an-email' } })).body.error.code,
    ).toBe('validation_failed');
  });
});

describe('holds over HTTP', () => {
  it('holds seats with an Idempotency-Key, answers a retry with the same hold, and releases with the hold token', async () => {
    const f = await seated();
    const b = await session();
    const key = randomUUID();
    const r = await call('POST', holdPath(f.showtimeId), {
      json: { seats: ['A-1-1', 'A-1-2'] },
      headers: as(b.token, key),
    });
    expect(r.status).toBe(201);
    expect(r.headers.get('x-request-id')).toBeTruthy();
    expect(r.body).toMatchObject({
      showtimeId: f.showtimeId,
      holdToken: expect.stringMatching(/^ht_/),
      totalCents: 3000,
      currency: 'EUR',
      replayed: false,
      items: [
        { kind: 'seat', seat: 'A-1-1', category: 'std', priceCents: 1500 },
        { kind: 'seat', seat: 'A-1-2', category: 'std', priceCents: 1500 },
      ],
    });
    const replay = await call('POST', holdPath(f.showtimeId), {
      json: { seats: ['A-1-2', 'A-1-1'] },
      headers: as(b.token, key),
    });
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual({ ...r.body, replayed: true });
    const conflict = await call('POST', holdPath(f.showtimeId), {
      json: { seats: ['A-1-3'] },
      headers: as(b.token, key),
    });
    expect([conflict.status, conflict.body.error.code]).toEqual([409, 'idempotency_conflict']);

    const view = await call('GET', `/api/holds/${r.body.holdId}`, {
      headers: { authorization: `Bearer ${r.body.holdToken}` },
    });
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({
      holdId: r.body.holdId,
      status: 'held',
      extended: false,
      totalCents: 3000,
    });

    const del = (token?: string) =>
      call(
        'DELETE',
        `/api/holds/${r.body.holdId}`,
        token ? { headers: { authorization: `Bearer ${token}` } } : {},
      );
    expect((await del()).status).toBe(401);
    const wrong = await del('ht_wrongwrongwrong');
    expect([wrong.status, wrong.body.error.code]).toEqual([403, 'hold_token_invalid']);
    expect((await del(r.body.holdToken)).status).toBe(204);
    const unknown = await call('DELETE', `/api/holds/${f.showtimeId}.nosuchhold123`, {
      headers: { authorization: `Bearer ${r.body.holdToken}` },
    });
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'hold_not_found']);
    expect((await inv.recount(f.showtimeId)).diffs).toEqual([]);
  });

  it('answers each refusal with its code and status', async () => {
    const f = await seated();
    const b = await session();
    const other = await session();
    const post = (json: unknown, headers: Record<string, string> = as(b.token)) =>
      call('POST', holdPath(f.showtimeId), { json, headers });
    const expectError = async (p: Promise<Res>, status: number, code: string, details?: unknown) => {
      const r = await p;
      expect([r.status, r.body?.error?.code], JSON.stringify(r.body)).toEqual([status, code]);
      expect(r.body.ok).toBe(false);
      if (details) expect(r.body.error.details).toEqual(details);
      return r;
    };
    await expectError(post({ seats: ['A-1-1'] }, {}), 401, 'unauthenticated');
    const noKey = await expectError(post({ seats: ['A-1-1'] }, as(b.token, null)), 400, 'validation_failed');
    expect(noKey.body.error.issues).toEqual([{ path: 'headers.idempotency-key', message: 'Required' }]);
    await expectError(
      post({ seats: ['A-1-1'] }, as(b.token, 'bad key with spaces')),
      400,
      'validation_failed',
    );
    await expectError(
      call('POST', holdPath(f.showtimeId), {
        body: '{"seats":[',
        headers: { ...as(b.token), 'content-type': 'application/json' },
      }),
      400,
      'malformed_json',
    );
    await expectError(
      call('POST', holdPath(f.showtimeId), {
        body: 'seats=A-1-1',
        headers: { ...as(b.token), 'content-type': 'text/plain' },
      }),
      415,
      'unsupported_media_type',
    );
    // A body the node already validated (it remembers validated bodies for floods) is still refused under
    // another media type, and still needs a session.
    const valid = JSON.stringify({ zone: 'ga', quantity: 1 });
    const first = await call('POST', holdPath(f.showtimeId), {
      body: valid,
      headers: { ...as(b.token), 'content-type': 'application/json' },
    });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    const release = await call('DELETE', `/api/holds/${first.body.holdId}`, {
      headers: { authorization: `Bearer ${first.body.holdToken}` },
    });
    expect(release.status).toBeLessThan(300);
    await expectError(
      call('POST', holdPath(f.showtimeId), {
        body: valid,
        headers: { ...as(b.token), 'content-type': 'text/plain' },
      }),
      415,
      'unsupported_media_type',
    );
    await expectError(
      call('POST', holdPath(f.showtimeId), { body: valid, headers: { 'content-type': 'application/json' } }),
      401,
      'unauthenticated',
    );
    const both = await expectError(
      post({ seats: ['A-1-1'], zone: 'ga', quantity: 1 }),
      400,
      'validation_failed',
    );
    expect(both.body.error.issues[0].path).toBe('body');
    const extra = await expectError(post({ seats: ['A-1-1'], color: 'red' }), 400, 'validation_failed');
    expect(extra.body.error.issues[0].path).toBe('body');
    await expectError(post({ seats: ['A-1-1', 'A-1-1'] }), 400, 'validation_failed');
    await expectError(post({ zone: 'ga', quantity: 0 }), 400, 'validation_failed');
    await expectError(
      call('POST', holdPath('bad.id'), { json: { seats: ['A-1-1'] }, headers: as(b.token) }),
      404,
      'not_found',
    );
    await expectError(
      call('POST', holdPath('nosuchshowtime'), { json: { seats: ['A-1-1'] }, headers: as(b.token) }),
      404,
      'not_found',
    );
    await expectError(post({ seats: ['A-1-1', 'Q-1-1'] }), 400, 'seat_unknown', { seats: ['Q-1-1'] });
    await expectError(post({ zone: 'nope', quantity: 1 }), 400, 'zone_unknown', { zone: 'nope' });

    expect((await post({ seats: ['A-1-1'] })).status).toBe(201);
    await expectError(post({ seats: ['A-1-2', 'A-1-1'] }, as(other.token)), 409, 'seat_unavailable', {
      seats: ['A-1-1'],
    });
    expect((await post({ zone: 'ga', quantity: 4 }, as(other.token))).status).toBe(201);
    await expectError(post({ zone: 'ga', quantity: 1 }), 409, 'sold_out');
    await expectError(
      post({ seats: ['A-2-1', 'A-2-2', 'A-2-3', 'A-2-4', 'A-2-5', 'A-1-5'] }),
      409,
      'limit_exceeded',
      { limit: 6, current: 1, requested: 6 },
    );
    await inv.setSaleState(f.showtimeId, 'paused');
    await expectError(post({ seats: ['A-1-3'] }), 409, 'sale_not_open', { state: 'paused' });
  });

  it('refuses a cookie-authenticated hold from a foreign page (CSRF)', async () => {
    const f = await seated();
    const b = await session();
    const base = { cookie: b.cookie, 'idempotency-key': randomUUID() };
    const foreign = await call('POST', holdPath(f.showtimeId), {
      json: { seats: ['A-1-1'] },
      headers: { ...base, origin: 'https://evil.example' },
    });
    expect([foreign.status, foreign.body.error.code]).toEqual([403, 'csrf_failed']);
    const own = await call('POST', holdPath(f.showtimeId), {
      json: { seats: ['A-1-1'] },
      headers: { ...base, origin: stack.url },
    });
    expect(own.status).toBe(201);
  });

  it('gives the same answers on the Express path as on the hot path (one use case)', async () => {
    const f = await seated();
    const b = await session();
    // A trailing slash is not taken by the hot-path dispatcher; Express routes it to the same use case.
    const bad = { seats: ['A-1-1'], zone: 'ga' };
    const viaFast = await call('POST', holdPath(f.showtimeId), { json: bad, headers: as(b.token) });
    const viaExpress = await call('POST', `${holdPath(f.showtimeId)}/`, { json: bad, headers: as(b.token) });
    expect(viaExpress.status).toBe(viaFast.status);
    expect(viaExpress.body).toEqual(viaFast.body);
    const key = randomUUID();
    const made = await call('POST', `${holdPath(f.showtimeId)}/`, {
      json: { seats: ['A-1-4'] },
      headers: as(b.token, key),
    });
    expect(made.status).toBe(201);
    const replay = await call('POST', holdPath(f.showtimeId), {
      json: { seats: ['A-1-4'] },
      headers: as(b.token, key),
    });
    expect(replay.body).toEqual({ ...made.body, replayed: true });
    const a1 = await call('GET', `/api/showtimes/${f.showtimeId}/availability`);
    const a2 = await call('GET', `/api/showtimes/${f.showtimeId}/availability/`);
    expect(a2.body).toEqual(a1.body);
    expect((await call('GET', '/api/showtimes/bad.id/availability/')).body).toEqual(
      (await call('GET', '/api/showtimes/bad.id/availability')).body,
    );
  });
});

describe('availability', () => {
  it('returns the live snapshot, follows every change, and can leave the labels out', async () => {
    const f = await seated();
    const b = await session();
    const path = `/api/showtimes/${f.showtimeId}/availability`;
    const first = await call('GET', path);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      showtimeId: f.showtimeId,
      state: 'on_sale',
      seatLabels: [...f.seatLabels].sort(),
      seatStates: '0000000000',
      seatsAvailable: 10,
      zones: { ga: { capacity: 4, available: 4, held: 0, sold: 0 } },
      categories: {
        std: { available: 10, held: 0, sold: 0, blocked: 0 },
        floor: { available: 4, held: 0, sold: 0, blocked: 0 },
      },
    });
    const compact = await call('GET', `${path}?seatLabels=false`);
    expect(compact.body.seatLabels).toBeUndefined();
    expect(compact.body.labelsKey).toBe(first.body.labelsKey);
    const h = await call('POST', holdPath(f.showtimeId), {
      json: { seats: ['A-1-3'] },
      headers: as(b.token),
    });
    // The node's cached copy is replaced as soon as the change is published.
    const until = Date.now() + 2000;
    let now = await call('GET', path);
    while (now.body.version === first.body.version && Date.now() < until) now = await call('GET', path);
    expect(now.body.version).toBe(first.body.version + 1);
    expect(now.body.seatStates[first.body.seatLabels.indexOf('A-1-3')]).toBe('1');
    await call('DELETE', `/api/holds/${h.body.holdId}`, {
      headers: { authorization: `Bearer ${h.body.holdToken}` },
    });
    let after = await call('GET', path);
    while (after.body.version === now.body.version && Date.now() < until + 2000)
      after = await call('GET', path);
    expect(after.body.seatStates).toBe('0000000000');
    expect((await call('GET', '/api/showtimes/nosuchshowtime/availability')).status).toBe(404);
    expect((await call('GET', `${path}?seatLabels=maybe`)).body.error.code).toBe('validation_failed');
  });
});

describe('flash sale over HTTP', () => {
  it('20,000 requests for 10,000 GA tickets: exactly 10,000 holds, then availability 0', async () => {
    const f = await createShowtimeFixture(stack.container.prisma, {
      sections: [],
      gaZones: [{ key: 'ga', capacity: 10_000, category: 'floor' }],
      prices: { floor: 4900 },
      perBuyerLimit: null,
    });
    await inv.load(f.showtimeId);
    const b = await session();
    const body = JSON.stringify({ zone: 'ga', quantity: 1 });
    const before = await scrape();
    const statuses = new Map<string, number>();
    let next = 0;
    const worker = async () => {
      while (next < 20_000) {
        next++;
        const r = await fetch(`${stack.url}${holdPath(f.showtimeId)}`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${b.token}`,
            'idempotency-key': randomUUID(),
          },
          body,
        });
        const json = (await r.json()) as { error?: { code: string } };
        const k = `${r.status} ${json.error?.code ?? 'ok'}`;
        statuses.set(k, (statuses.get(k) ?? 0) + 1);
      }
    };
    await Promise.all(Array.from({ length: 200 }, worker));
    expect(Object.fromEntries(statuses)).toEqual({ '201 ok': 10_000, '409 sold_out': 10_000 });
    // The hot path counts in tallies (observability/metrics.ts): a scrape still shows every answer.
    const after = await scrape();
    const delta = (series: string) => (after.get(series) ?? 0) - (before.get(series) ?? 0);
    const route = 'route="/api/showtimes/:id/holds"';
    expect(delta(`seatrush_http_requests_total{method="post",${route},status="201"}`)).toBe(10_000);
    expect(delta(`seatrush_http_requests_total{method="post",${route},status="409"}`)).toBe(10_000);
    expect(delta('seatrush_holds_total{outcome="created"}')).toBe(10_000);
    expect(delta('seatrush_holds_total{outcome="sold_out"}')).toBe(10_000);
    // Timed: the holds and the sold-out answers that came from Redis; those from the gate's memory are not.
    const timed = delta(`seatrush_http_request_duration_seconds_count{method="post",${route}}`);
    expect(timed).toBeGreaterThanOrEqual(10_000);
    expect(timed).toBeLessThan(20_000);
    const a = await call('GET', `/api/showtimes/${f.showtimeId}/availability`);
    expect(a.body.zones.ga).toEqual({ capacity: 10_000, available: 0, held: 10_000, sold: 0 });
    expect((await inv.recount(f.showtimeId)).diffs).toEqual([]);
  }, 600_000);
});
