import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { socketCommands, type Envelope, type SocketAccess, type SocketCommand } from '@seatrush/shared';
import {
  digestDiff,
  holdSeat,
  orderOf,
  startAttackWorld,
  stateDigest,
  type AttackWorld,
} from './support/attack-world.ts';
import { intFromEnv, rng, seedFromEnv, MB, type JsonSchema } from './support/fuzz-inputs.ts';
import {
  httpCases,
  operationsOf,
  socketPayloads,
  type Base,
  type HttpCase,
  type Operation,
} from './support/fuzz-cases.ts';
import { connected, openSocket, type ClientSocket } from './support/realtime-client.ts';
import { signWebhook } from '../src/payments/signature.ts';

/**
 * Issue 14's fuzzer, generated: every operation of the OpenAPI document the node serves (`GET /api/openapi.json`)
 * and every command of the shared socket contract (`socketCommands`) gets malformed JSON, wrong types, huge and
 * NUL-bearing strings, deep nesting, boundary numbers, unknown fields, wrong content types and hostile path, query
 * and header values. Asserted: no 5xx (no `internal` ack), the node answers its health check after each batch,
 * and a rejected request changes nothing (every table's rows and the showtime's inventory version, compared
 * around each request to a mutating route). Seeded and bounded: FUZZ_SEED, FUZZ_BUDGET (HTTP cases),
 * FUZZ_SOCKET_BUDGET (socket commands); see docs/qa.md.
 */

const SEED = seedFromEnv(20261207);
const BUDGET = intFromEnv('FUZZ_BUDGET', 900);
const SOCKET_BUDGET = intFromEnv('FUZZ_SOCKET_BUDGET', 240);

/**
 * Findings not fixed yet (reported on issue 14): the sweep lists them apart instead of failing, and an `it.fails`
 * in "known findings" pins each one, so fixing it turns that test red until its entry here is removed. None left:
 * the last one (a counter sale refused at the hold kept the buyer row it created first) is fixed, and its test
 * below now passes.
 */
const KNOWN: Array<{ route: string; changed: string[]; why: string }> = [];
const known = (route: string, changed: string[]) =>
  KNOWN.find((k) => k.route === route && JSON.stringify(k.changed) === JSON.stringify(changed));

/** A bigger budget gets more time (35-60 ms a case here), so a long run is never cut off mid-way. */
const timeoutFor = (budget: number) => Math.max(120_000, budget * 100);

let w: AttackWorld;
let ops: Operation[];
let base: Base;
let order: { code: string; paymentId: string };

beforeAll(async () => {
  console.log(`fuzz: FUZZ_SEED=${SEED} FUZZ_BUDGET=${BUDGET} FUZZ_SOCKET_BUDGET=${SOCKET_BUDGET}`);
  w = await startAttackWorld();
  const doc = await w.api<{ paths: Record<string, Record<string, unknown>> }>('get', '/api/openapi.json');
  ops = operationsOf(doc.json);
  const o = await orderOf(w, w.callers.buyer, false);
  const payment = await w.stack.container.prisma.payment.findFirst({ where: { order: { code: o.code } } });
  order = { code: o.code, paymentId: payment?.id ?? 'no-payment' };
  const showtime = await w.stack.container.prisma.showtime.findUniqueOrThrow({
    where: { id: w.f.showtimeId },
  });
  const buyer = w.callers.buyer;
  const ids: Record<string, string> = {
    showtimes: w.f.showtimeId,
    venues: w.f.venueId,
    events: showtime.eventId,
    holds: buyer.hold!.holdId,
    orders: order.code,
    'sandbox-pay': order.paymentId,
  };
  base = {
    pathValue: (collection) => ids[collection],
    field: (name) => {
      switch (name) {
        case 'showtimeId':
          return w.f.showtimeId;
        case 'holdId':
          return buyer.hold!.holdId;
        case 'holdToken':
          return buyer.hold!.holdToken;
        case 'email':
          return buyer.email;
        case 'requestId':
          return randomUUID();
        case 'seats':
          return [w.f.seatLabels[w.f.seatLabels.length - 1]];
        default:
          return undefined;
      }
    },
    headers: (access, path) => {
      if (access === 'door' || access === 'box_office' || access === 'admin')
        return { ...w.callers.admin.headers };
      const h = { ...buyer.headers };
      if (path.includes('{holdId}')) h.authorization = `Bearer ${buyer.hold!.holdToken}`;
      return h;
    },
  };
}, 120_000);

afterAll(async () => {
  await w?.stack.close();
});

interface Sent {
  status: number;
  text: string;
}

/** One raw request (node:http, so bodies and headers go out exactly as built; no client-side checks). */
function send(c: HttpCase): Promise<Sent> {
  const headers = { ...c.headers };
  // Provider webhooks are signed as the provider signs them, so hostile events reach the event parser too.
  if (c.url.startsWith('/api/payments/webhook') && c.body !== undefined)
    headers['seatrush-signature'] = signWebhook(
      w.stack.config.paymentWebhookSecret,
      c.body,
      Math.floor(Date.now() / 1000),
    );
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${w.stack.url}${c.url}`,
      { method: c.method.toUpperCase(), headers, timeout: 20_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    // A server that answers (413, 431) before reading the whole body may close the socket under the writer.
    req.on('error', (err) =>
      /EPIPE|ECONNRESET/.test(String(err)) ? resolve({ status: 0, text: String(err) }) : reject(err),
    );
    if (c.body !== undefined) req.write(c.body);
    req.end();
  });
}

async function healthy(): Promise<boolean> {
  const r = await w.api('get', '/healthz').catch(() => null);
  return r?.status === 200;
}

const isOutage = (s: Sent) => s.status === 503 && s.text.includes('"unavailable"');

describe('HTTP fuzzing, generated from the OpenAPI document', () => {
  it(
    'answers every hostile request of every operation with a 4xx (or success), stays up, and a rejection changes nothing',
    async () => {
      const random = rng(SEED);
      expect(ops.length).toBeGreaterThan(40);
      const rank: Record<string, number> = { get: 0, post: 1, put: 1, patch: 1, delete: 2 };
      const ordered = [...ops].sort((a, b) => (rank[a.method] ?? 1) - (rank[b.method] ?? 1));
      const perOp = Math.max(4, Math.ceil(BUDGET / ordered.length));
      const failures: string[] = [];
      const outages = new Map<string, number>();
      const byStatus = new Map<number, number>();
      const knownSeen = new Set<string>();
      let total = 0;

      for (const op of ordered) {
        const name = `${op.method.toUpperCase()} ${op.path}`;
        const cases = httpCases(op, base, random, perOp);
        const mutating = op.method !== 'get';
        let baseline = mutating ? await stateDigest(w) : '';
        for (const c of cases) {
          total++;
          const tag = `${name} [${c.category}: ${c.what}]`;
          let r: Sent;
          try {
            r = await send(c);
          } catch (err) {
            failures.push(`${tag}: no answer (${String(err)})`);
            continue;
          }
          byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
          if (isOutage(r)) outages.set(name, (outages.get(name) ?? 0) + 1);
          else if (r.status >= 500) failures.push(`${tag}: ${r.status} ${r.text.slice(0, 160)}`);
          if (mutating) {
            const now = await stateDigest(w);
            if (r.status >= 400 || r.status === 0) {
              const changed = digestDiff(baseline, now);
              const k = known(name, changed);
              if (k) knownSeen.add(`${name}: ${k.why}`);
              else if (changed.length)
                failures.push(`${tag}: rejected (${r.status}) but changed ${changed.join(', ')}`);
            }
            baseline = now;
          }
        }
        if (!(await healthy())) {
          failures.push(`${name}: the node failed its health check after this batch`);
          break;
        }
      }

      const inventory = await (
        await import('./support/env.ts')
      )
        .stackInventory(w.stack)
        .recount(w.f.showtimeId);
      console.log(
        `fuzz HTTP: seed ${SEED}, ${total} cases over ${ordered.length} operations; statuses ${JSON.stringify(Object.fromEntries([...byStatus].sort((a, b) => a[0] - b[0])))}` +
          (outages.size
            ? `; 503 unavailable (a dependency down, not bad input): ${JSON.stringify(Object.fromEntries(outages))}`
            : ''),
      );
      if (knownSeen.size) console.log(`fuzz HTTP: known findings seen: ${[...knownSeen].join('; ')}`);
      expect(total).toBeGreaterThanOrEqual(Math.min(BUDGET, ordered.length * 4));
      expect(inventory.diffs).toEqual([]);
      expect(failures).toEqual([]);
    },
    timeoutFor(BUDGET),
  );
});

describe('findings of issue 14, fixed since', () => {
  it('a counter sale refused at the hold (seat taken) creates no buyer row', async () => {
    const seat = w.freeSeat();
    await holdSeat(w.api, w.f.showtimeId, w.callers.otherBuyer, seat);
    const prisma = w.stack.container.prisma;
    const before = await prisma.buyer.count();
    const buyerEmail = `walk-in-${randomUUID()}@example.test`;
    const r = await w.api('post', `/api/staff/showtimes/${w.f.showtimeId}/counter-sale`, {
      token: w.adminToken,
      body: { seats: [seat], method: 'cash', buyerEmail },
    });
    expect(r.status, r.text).toBe(409);
    expect(await prisma.buyer.count()).toBe(before);
    // The same buyer at a free seat: the sale goes through, and the row is created then (once, on a retry too).
    const body = { seats: [w.freeSeat()], method: 'cash', buyerEmail, requestId: randomUUID() };
    const sell = () =>
      w.api<{ order: { code: string; email: string } }>(
        'post',
        `/api/staff/showtimes/${w.f.showtimeId}/counter-sale`,
        { token: w.adminToken, body },
      );
    const sold = await sell();
    expect(sold.status, sold.text).toBe(201);
    expect(sold.json.order.email).toBe(buyerEmail);
    const again = await sell();
    expect(again.status, again.text).toBe(200);
    expect(again.json.order.code).toBe(sold.json.order.code);
    expect(await prisma.buyer.count()).toBe(before + 1);
  });
});

describe('socket fuzzing, generated from the shared socket contract', () => {
  it(
    'acks every hostile payload of every command without `internal`, stays up, and a rejection changes nothing',
    async () => {
      const random = rng(SEED ^ 0x50c7);
      const events = Object.keys(socketCommands) as SocketCommand[];
      const perEvent = Math.max(4, Math.ceil(SOCKET_BUDGET / events.length));
      const failures: string[] = [];
      let total = 0;
      let socket: ClientSocket | null = null;
      let sentOnSocket = 0;
      const tokenFor = (access: SocketAccess) =>
        access === 'door' || access === 'box_office' || access === 'admin'
          ? w.callers.admin.socketToken
          : w.callers.buyer.socketToken;

      for (const event of events) {
        const { schema, access } = socketCommands[event];
        const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
        const mutating = event.startsWith('hold:');
        let baseline = mutating ? await stateDigest(w) : '';
        for (const p of socketPayloads(json, base, random, perEvent)) {
          total++;
          const tag = `${event} [${p.category}: ${p.what}]`;
          // A fresh connection every 40 commands keeps under the per-connection rate limit (60 at once, 30/s).
          if (!socket?.connected || sentOnSocket >= 40) {
            socket?.disconnect();
            socket = await connected(openSocket(w.stack.url, { token: tokenFor(access)! }));
            sentOnSocket = 0;
          }
          sentOnSocket++;
          let res: Envelope<unknown> | null | 'none' = 'none';
          if (p.ack) {
            const timed = socket.timeout(5_000) as unknown as {
              emitWithAck(e: string, ...args: unknown[]): Promise<Envelope<unknown>>;
            };
            res = await timed.emitWithAck(event, ...p.args).catch(() => null);
            if (res === null) failures.push(`${tag}: no ack within 5 s`);
            else if (!res.ok && res.error.code === 'internal')
              failures.push(`${tag}: internal ${res.error.message}`);
          } else {
            (socket as unknown as { emit(e: string, ...a: unknown[]): void }).emit(event, ...p.args);
          }
          if (mutating) {
            const now = await stateDigest(w);
            if (res === 'none' || res === null || !res.ok) {
              const changed = digestDiff(baseline, now);
              if (changed.length) failures.push(`${tag}: rejected but changed ${changed.join(', ')}`);
            }
            baseline = now;
          }
        }
        if (!(await healthy())) {
          failures.push(`${event}: the node failed its health check after this batch`);
          break;
        }
      }
      socket?.disconnect();

      // Over the transport's limit (64 KB): the server drops that connection, and only that one.
      const big = await connected(openSocket(w.stack.url, { token: w.callers.buyer.socketToken! }));
      const closed = new Promise<string>((resolve) => big.once('disconnect', (reason) => resolve(reason)));
      big.emit('showtime:join', { showtimeId: 'x'.repeat(2 * MB) }, () => undefined);
      await closed;
      const after = await connected(openSocket(w.stack.url, { token: w.callers.buyer.socketToken! }));
      const join = (await after
        .timeout(5_000)
        .emitWithAck('showtime:join', { showtimeId: w.f.showtimeId })) as Envelope<unknown>;
      after.disconnect();
      expect(join.ok).toBe(true);
      expect(await healthy()).toBe(true);

      console.log(`fuzz sockets: seed ${SEED}, ${total} commands over ${events.length} events`);
      expect(total).toBeGreaterThanOrEqual(Math.min(SOCKET_BUDGET, events.length * 4));
      expect(failures).toEqual([]);
    },
    timeoutFor(SOCKET_BUDGET),
  );
});
