import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Envelope, HoldEnded, HoldResponse, ShowtimeSync } from '@seatrush/shared';
import { pino } from 'pino';
import { createBuyerSessions, type BuyerSessions } from '../src/auth/buyer.ts';
import { createInventory, type Inventory } from '../src/inventory/inventory.ts';
import { startTestStack, type TestStack } from './support/env.ts';
import { apiClient, type Api, type ErrorEnvelope } from './support/catalog-fixtures.ts';
import {
  createShowtimeFixture,
  testClock,
  type Fixture,
  type TestClock,
} from './support/inventory-fixtures.ts';
import { connected, openSocket, type ClientSocket } from './support/realtime-client.ts';
import { waitFor } from './support/wait.ts';

/**
 * Issue 15's rule where a showtime does NOT require verified buyers (docs/buyers.md): a session that has not proved
 * its e-mail — an e-mail *claim* — neither spends, nor sees, nor hears of the holds of the e-mail it claims. End to
 * end on a node (hot path, socket), real Redis and PostgreSQL. A verified session is issued with the node's own
 * session secret (proving the code by mail is buyer-verification.int.test.ts's subject). Expiry runs on an
 * injected clock, through a second inventory on the same Redis (another node's expiry sweep).
 */

let stack: TestStack;
let api: Api;
let sessions: BuyerSessions;
let st: Fixture;
let clock: TestClock;
let sweeper: Inventory;
const sockets: ClientSocket[] = [];
const LIMIT = 2;

beforeAll(async () => {
  stack = await startTestStack();
  api = apiClient(stack.url);
  sessions = createBuyerSessions({ secret: stack.config.sessionSecret });
  st = await createShowtimeFixture(stack.container.prisma, {
    sections: [{ key: 'A', rows: 3, seatsPerRow: 10, category: 'std' }],
    perBuyerLimit: LIMIT,
    holdTtlSeconds: 600,
  });
  clock = testClock(Date.now());
  sweeper = createInventory({
    redis: stack.container.redis,
    prisma: stack.container.prisma,
    prefix: stack.config.redisPrefix,
    logger: pino({ level: 'silent' }),
    now: clock.now,
    tokenSecret: 'the sweeper issues no holds',
  });
});
afterAll(async () => {
  sockets.forEach((s) => s.close());
  await stack?.close();
});

interface Session {
  token: string;
  buyerId: string;
  email: string;
}

/** A new session for `email`: unverified, as anyone can start one for any address. */
async function claim(email: string): Promise<Session> {
  const r = await api<{ token: string; buyerId: string }>('post', '/api/buyer/session', { body: { email } });
  expect(r.status, r.text).toBe(201);
  return { token: r.json.token, buyerId: r.json.buyerId, email };
}

/** The session after proving its e-mail: the verified token the verify route issues (same session id). */
function proved(s: Session): Session {
  const p = sessions.verify(s.token)!;
  return {
    ...s,
    token: sessions.issue(s.buyerId, s.email, { verified: true, sessionId: p.sessionId! }).token,
  };
}

type Attempt = { ok: true; hold: HoldResponse } | { ok: false; code: string; details?: unknown };
let seatNo = 0;
const nextSeat = () => {
  const n = seatNo++;
  return `A-${Math.floor(n / 10) + 1}-${(n % 10) + 1}`;
};

async function hold(s: Session, n = 1): Promise<Attempt> {
  const r = await api<HoldResponse | ErrorEnvelope>('post', `/api/showtimes/${st.showtimeId}/holds`, {
    token: s.token,
    body: { seats: Array.from({ length: n }, nextSeat) },
    headers: { 'idempotency-key': randomUUID() },
  });
  if ('error' in r.json) return { ok: false, code: r.json.error.code, details: r.json.error.details };
  return { ok: true, hold: r.json };
}
async function held(s: Session, n = 1): Promise<HoldResponse> {
  const a = await hold(s, n);
  if (!a.ok) throw new Error(`hold refused: ${a.code}`);
  return a.hold;
}

/** A socket in the showtime's room, recording the hold endings it is told. */
async function watch(s: Session): Promise<{ socket: ClientSocket; myHolds: string[]; told: string[] }> {
  const socket = await connected(openSocket(stack.url, { token: s.token }));
  sockets.push(socket);
  const told: string[] = [];
  socket.on('hold:expired', (f: HoldEnded) => told.push(`expired ${f.holdId}`));
  socket.on('hold:lost', (f: HoldEnded) => told.push(`lost ${f.holdId}`));
  const ack = (await socket
    .timeout(10_000)
    .emitWithAck('showtime:join', { showtimeId: st.showtimeId })) as Envelope<ShowtimeSync>;
  if (!ack.ok) throw new Error(ack.error.code);
  return { socket, myHolds: ack.data.myHolds.map((h) => h.holdId).sort(), told };
}

async function release(h: HoldResponse): Promise<void> {
  const r = await api('delete', `/api/holds/${h.holdId}`, {
    headers: { authorization: `Bearer ${h.holdToken}` },
  });
  expect(r.status, r.text).toBeLessThan(300);
}

const newEmail = () => `claims-${randomUUID().slice(0, 8)}@example.test`;

describe("an e-mail claim and the e-mail's per-buyer limit", () => {
  it('cannot spend it: a claim counts on its own, and the limit still holds per session', async () => {
    const email = newEmail();
    const owner = proved(await claim(email));
    const stranger = await claim(email);
    expect(stranger.buyerId).toBe(owner.buyerId);

    // The stranger takes all its session may take...
    await held(stranger, LIMIT);
    expect(await hold(stranger)).toMatchObject({
      ok: false,
      code: 'limit_exceeded',
      details: { limit: LIMIT, current: LIMIT },
    });
    // ...and over the socket too: one session, one limit, whichever way it comes.
    const { socket } = await watch(stranger);
    const viaSocket = (await socket.timeout(10_000).emitWithAck('hold:create', {
      showtimeId: st.showtimeId,
      requestId: randomUUID(),
      seats: [nextSeat()],
    })) as Envelope<HoldResponse>;
    expect(viaSocket).toMatchObject({ ok: false, error: { code: 'limit_exceeded' } });

    // The owner's limit is whole: the verified session holds up to it, then no more.
    await held(owner, LIMIT);
    expect(await hold(owner)).toMatchObject({ ok: false, code: 'limit_exceeded' });

    // Another claim of the same e-mail has a limit of its own.
    const another = await claim(email);
    await held(another, LIMIT);
    expect(await hold(another)).toMatchObject({ ok: false, code: 'limit_exceeded' });
  });
});

describe("an e-mail claim and the e-mail's holds", () => {
  it('sees and hears of only its own; a verified session sees and hears of every hold of the e-mail', async () => {
    const email = newEmail();
    const first = await claim(email);
    const owner = proved(first);
    const stranger = await claim(email);
    const bystander = await claim(email);

    const [ownerLost, ownerExpires] = [await held(owner), await held(owner)];
    const [strangerLost, strangerExpires] = [await held(stranger), await held(stranger)];

    const o = await watch(owner);
    const s = await watch(stranger);
    const b = await watch(bystander);
    expect(o.myHolds).toEqual(
      [ownerLost, ownerExpires, strangerLost, strangerExpires].map((h) => h.holdId).sort(),
    );
    expect(s.myHolds).toEqual([strangerLost, strangerExpires].map((h) => h.holdId).sort());
    expect(b.myHolds).toEqual([]);

    await release(ownerLost);
    await release(strangerLost);
    clock.set(Date.now() + 601_000);
    expect(await sweeper.expire(ownerExpires.holdId)).toBe('expired');
    expect(await sweeper.expire(strangerExpires.holdId)).toBe('expired');

    const everything = [
      `lost ${ownerLost.holdId}`,
      `lost ${strangerLost.holdId}`,
      `expired ${ownerExpires.holdId}`,
      `expired ${strangerExpires.holdId}`,
    ];
    await waitFor(
      () => o.told.length >= everything.length,
      15_000,
      'the verified socket told of every ending',
    );
    expect([...o.told].sort()).toEqual([...everything].sort());

    // A last hold of each claim, released: once its socket hears of it, it has heard everything sent before.
    const strangerLast = await held(stranger);
    const bystanderLast = await held(bystander);
    await release(strangerLast);
    await release(bystanderLast);
    await waitFor(() => s.told.includes(`lost ${strangerLast.holdId}`), 15_000, "the stranger's last");
    await waitFor(() => b.told.includes(`lost ${bystanderLast.holdId}`), 15_000, "the bystander's last");
    expect(s.told).toEqual([
      `lost ${strangerLost.holdId}`,
      `expired ${strangerExpires.holdId}`,
      `lost ${strangerLast.holdId}`,
    ]);
    expect(b.told).toEqual([`lost ${bystanderLast.holdId}`]);
  });
});
