import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  BuyerOrderListDto,
  CounterSaleResult,
  Envelope,
  HoldRequest,
  HoldResponse,
} from '@seatrush/shared';
import { DomainError } from '../src/domain/errors.ts';
import type { HoldGuard } from '../src/application/holds/hold-seats.ts';
import { startTestStack, type TestStack } from './support/env.ts';
import { apiClient, staffWithToken, type Api, type ErrorEnvelope } from './support/catalog-fixtures.ts';
import { createShowtimeFixture, type Fixture } from './support/inventory-fixtures.ts';
import { connected, openSocket, type ClientSocket } from './support/realtime-client.ts';
import { waitFor } from './support/wait.ts';

/**
 * Every way a hold enters — the hot-path dispatcher, Express, the socket's `hold:create`, the box office's counter
 * sale — goes through the one hold use case (application/holds/hold-seats.ts). For the same request each entry
 * point gives the same outcome (a new hold, its replay, the same refusal) and the same side effects: the
 * `seatrush_holds_total{outcome}` series, the buyer session's hold list ("my orders"), the order the worker writes
 * for the hold, and the guards (admission, rate limits) — which a counter sale is exempt from.
 */

/**
 * Refuse every buyer request whose Idempotency-Key starts with `guarded-`: one from memory (as the waiting room's
 * token check will), one after a promise (as a rate limit kept in Redis will).
 */
const guard: HoldGuard = (input) =>
  input.idempotencyKey.startsWith('guarded-') ? new DomainError('rate_limited', 'Slow down.') : null;
const laterGuard: HoldGuard = (input) =>
  Promise.resolve(
    input.idempotencyKey.startsWith('later-') ? new DomainError('forbidden', 'Join the queue.') : null,
  );

let stack: TestStack;
let api: Api;
let f: Fixture;
let staffToken: string;

beforeAll(async () => {
  stack = await startTestStack({ worker: true, services: { holdGuards: [guard, laterGuard] } });
  api = apiClient(stack.url);
  f = await createShowtimeFixture(stack.container.prisma, {
    sections: [{ key: 'A', rows: 1, seatsPerRow: 8, category: 'std' }],
    gaZones: [{ key: 'ga', capacity: 40, category: 'ga' }],
    prices: { std: 2500, ga: 1500 },
  });
  staffToken = (await staffWithToken(stack.container, 'box_office')).token;
});
afterAll(async () => {
  await stack?.close();
});

type Attempt = { ok: true; replayed: boolean; holdId: string; seats: string[] } | { ok: false; code: string };

interface Buyer {
  token: string;
  buyerId: string;
  email: string;
}

interface EntryPoint {
  name: string;
  /** A buyer's entry (guarded, recorded in the session's hold list); the counter sale is staff's. */
  online: boolean;
  hold(buyer: Buyer, request: HoldRequest, key: string): Promise<Attempt>;
}

const seatsOf = (items: HoldResponse['items']) => items.map((i) => (i.kind === 'seat' ? i.seat : i.zone));

async function overHttp(path: string, buyer: Buyer, request: HoldRequest, key: string, express: boolean) {
  const r = await api<HoldResponse | ErrorEnvelope>('post', path, {
    body: request,
    token: buyer.token,
    headers: { 'idempotency-key': key },
  });
  // Express answers with helmet's headers; the hot-path dispatcher sends only its own.
  expect(r.headers.has('x-dns-prefetch-control'), `answered by ${express ? 'Express' : 'the hot path'}`).toBe(
    express,
  );
  if ('error' in r.json) return { ok: false as const, code: r.json.error.code };
  expect(r.status).toBe(r.json.replayed ? 200 : 201);
  return {
    ok: true as const,
    replayed: r.json.replayed,
    holdId: r.json.holdId,
    seats: seatsOf(r.json.items),
  };
}

const sockets: ClientSocket[] = [];
afterAll(() => sockets.forEach((s) => s.close()));

const entryPoints: EntryPoint[] = [
  {
    name: 'hot path (POST /api/showtimes/:id/holds)',
    online: true,
    hold: (buyer, request, key) =>
      overHttp(`/api/showtimes/${f.showtimeId}/holds`, buyer, request, key, false),
  },
  {
    name: 'Express (the same route, declined by the hot path)',
    online: true,
    hold: (buyer, request, key) =>
      overHttp(`/api/showtimes/${f.showtimeId}/holds/`, buyer, request, key, true),
  },
  {
    name: 'socket (hold:create)',
    online: true,
    async hold(buyer, request, key) {
      const socket = await connected(openSocket(stack.url, { token: buyer.token }));
      sockets.push(socket);
      const ack = (await socket.timeout(10_000).emitWithAck('hold:create', {
        showtimeId: f.showtimeId,
        requestId: key,
        ...request,
      })) as Envelope<HoldResponse>;
      socket.close();
      if (!ack.ok) return { ok: false, code: ack.error.code };
      return {
        ok: true,
        replayed: ack.data.replayed,
        holdId: ack.data.holdId,
        seats: seatsOf(ack.data.items),
      };
    },
  },
  {
    name: 'counter sale (POST /api/staff/showtimes/:id/counter-sale)',
    online: false,
    async hold(buyer, request, key) {
      const r = await api<CounterSaleResult | ErrorEnvelope>(
        'post',
        `/api/staff/showtimes/${f.showtimeId}/counter-sale`,
        { body: { ...request, buyerEmail: buyer.email, method: 'cash', requestId: key }, token: staffToken },
      );
      if ('error' in r.json) return { ok: false, code: r.json.error.code };
      expect(r.status).toBe(r.json.replayed ? 200 : 201);
      const order = r.json.order;
      return {
        ok: true,
        replayed: r.json.replayed,
        holdId: order.holdId,
        seats: order.items.map((i) => i.seatLabel ?? i.zoneKey ?? '?'),
      };
    },
  },
];

/** The node's `seatrush_holds_total` series by outcome. */
async function holdOutcomes(): Promise<Map<string, number>> {
  const text = await (await fetch(`${stack.node.metricsUrl}/metrics`)).text();
  const out = new Map<string, number>();
  for (const m of text.matchAll(/^seatrush_holds_total\{outcome="([a-z_]+)"\} (\d+)$/gm))
    out.set(m[1]!, Number(m[2]));
  return out;
}

async function outcomeDeltas(run: () => Promise<void>): Promise<Record<string, number>> {
  const before = await holdOutcomes();
  await run();
  const after = await holdOutcomes();
  const deltas: Record<string, number> = {};
  for (const [k, v] of after) if (v !== (before.get(k) ?? 0)) deltas[k] = v - (before.get(k) ?? 0);
  return deltas;
}

let buyerSeq = 0;
async function newBuyer(): Promise<Buyer> {
  const email = `entry-${buyerSeq++}-${randomUUID().slice(0, 8)}@example.test`;
  const r = await api<{ token: string; buyerId: string }>('post', '/api/buyer/session', { body: { email } });
  expect(r.status, r.text).toBe(201);
  return { token: r.json.token, buyerId: r.json.buyerId, email };
}

describe.each(entryPoints.map((e, i) => ({ ...e, seat: `A-1-${i + 1}`, other: `A-1-${i + 5}` })))(
  'a hold through the $name',
  (entry) => {
    it('gives the same outcomes and side effects as every other entry point', async () => {
      const buyer = await newBuyer();
      const key = randomUUID();
      let first: Attempt | undefined;
      let retry: Attempt | undefined;
      const created = await outcomeDeltas(async () => {
        first = await entry.hold(buyer, { seats: [entry.seat] }, key);
      });
      expect(first).toMatchObject({ ok: true, replayed: false, seats: [entry.seat] });
      expect(created).toEqual({ created: 1 });

      const replayed = await outcomeDeltas(async () => {
        retry = await entry.hold(buyer, { seats: [entry.seat] }, key);
      });
      expect(retry).toEqual({ ...first, replayed: true });
      expect(replayed).toEqual({ replayed: 1 });

      // Another buyer asking for the same seat: the same refusal, counted under its code.
      const rival = await newBuyer();
      let refused: Attempt | undefined;
      const refusal = await outcomeDeltas(async () => {
        refused = await entry.hold(rival, { seats: [entry.seat] }, randomUUID());
      });
      expect(refused).toEqual({ ok: false, code: 'seat_unavailable' });
      expect(refusal).toEqual({ seat_unavailable: 1 });

      // The guards: buyers are refused, a staff sale at the counter is exempt.
      let guarded: Attempt | undefined;
      const guardedDeltas = await outcomeDeltas(async () => {
        guarded = await entry.hold(buyer, { seats: [entry.other] }, `guarded-${randomUUID()}`);
      });
      let later: Attempt | undefined;
      const laterDeltas = await outcomeDeltas(async () => {
        later = await entry.hold(buyer, { seats: [entry.other] }, `later-${randomUUID()}`);
      });
      if (entry.online) {
        expect(guarded).toEqual({ ok: false, code: 'rate_limited' });
        expect(guardedDeltas).toEqual({ rate_limited: 1 });
        expect(later).toEqual({ ok: false, code: 'forbidden' });
        expect(laterDeltas).toEqual({ forbidden: 1 });
      } else {
        expect(guarded).toMatchObject({ ok: true, replayed: false, seats: [entry.other] });
        expect(guardedDeltas).toEqual({ created: 1 });
        // The counter's second sale of the same seat: refused by the inventory, not by a guard.
        expect(later).toEqual({ ok: false, code: 'seat_unavailable' });
        expect(laterDeltas).toEqual({ seat_unavailable: 1 });
      }

      // The order the worker (or the counter) records for the hold, for this buyer.
      const holdId = first!.ok ? first!.holdId : '';
      const order = await waitFor(
        () => stack.container.prisma.order.findUnique({ where: { holdId } }),
        30_000,
        `the order of ${holdId}`,
      );
      expect(order.buyerId).toBe(buyer.buyerId);
      expect(order.channel).toBe(entry.online ? 'online' : 'counter');
      expect(order.status).toBe(entry.online ? 'PENDING' : 'PAID');

      // "My orders": a buyer's hold is listed in that buyer's session; a counter sale is in no buyer session.
      const mine = await api<BuyerOrderListDto>('get', '/api/buyer/orders', { token: buyer.token });
      expect(mine.status, mine.text).toBe(200);
      expect(mine.json.orders.map((o) => o.code)).toEqual(entry.online ? [order.code] : []);
    });
  },
);
