import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Envelope, HoldResponse, QueueProgress, QueueStatus, WaitingRoomStats } from '@seatrush/shared';
import { createAdmissionTokens } from '../src/waiting-room/tokens.ts';
import { startTestStack, type TestStack } from './support/env.ts';
import { apiClient, staffWithToken, type Api, type ErrorEnvelope } from './support/catalog-fixtures.ts';
import { createShowtimeFixture, type Fixture } from './support/inventory-fixtures.ts';
import { connected, openSocket, type ClientSocket } from './support/realtime-client.ts';

/**
 * The waiting room end to end on one node: joining over HTTP, the staff controls (audited), the node's admission
 * loop, and the admission token checked on each buyer hold entry point (hot path, Express, socket); a counter sale
 * is exempt.
 */
let stack: TestStack;
let api: Api;
let room: Fixture;
let other: Fixture;
/** A room kept paused: buyers stay in line (the node's admission tick would admit them between two calls). */
let line: Fixture;
let open: Fixture;
let staffToken: string;
const sockets: ClientSocket[] = [];

interface Buyer {
  token: string;
  buyerId: string;
  email: string;
}
let buyerSeq = 0;
async function newBuyer(): Promise<Buyer> {
  const email = `wr-${buyerSeq++}-${randomUUID().slice(0, 8)}@example.test`;
  const r = await api<{ token: string; buyerId: string }>('post', '/api/buyer/session', { body: { email } });
  expect(r.status, r.text).toBe(201);
  return { token: r.json.token, buyerId: r.json.buyerId, email };
}

const layout = {
  sections: [{ key: 'A', rows: 1, seatsPerRow: 12, category: 'std' }],
  gaZones: [{ key: 'ga', capacity: 100, category: 'ga' }],
  prices: { std: 2500, ga: 1500 },
};

beforeAll(async () => {
  stack = await startTestStack();
  api = apiClient(stack.url);
  room = await createShowtimeFixture(stack.container.prisma, layout);
  other = await createShowtimeFixture(stack.container.prisma, layout);
  line = await createShowtimeFixture(stack.container.prisma, layout);
  open = await createShowtimeFixture(stack.container.prisma, layout);
  await stack.container.prisma.showtime.updateMany({
    where: { id: { in: [room.showtimeId, other.showtimeId, line.showtimeId] } },
    data: { waitingRoom: true, admissionPerMinute: 600, shoppingWindowSeconds: 600 },
  });
  staffToken = (await staffWithToken(stack.container, 'box_office')).token;
  expect((await control(line.showtimeId, { action: 'pause' })).status).toBe(200);
});
afterAll(async () => {
  sockets.forEach((s) => s.close());
  await stack?.close();
});

const queuePath = (st: string) => `/api/showtimes/${st}/queue`;
const json = { 'content-type': 'application/json' };
const control = (st: string, body: unknown) =>
  api<WaitingRoomStats | ErrorEnvelope>('post', `/api/staff/showtimes/${st}/waiting-room`, {
    body,
    token: staffToken,
  });

/** A buyer admitted by staff, with the token the room hands them. */
async function admittedBuyer(st = room.showtimeId): Promise<Buyer & { admission: string }> {
  const buyer = await newBuyer();
  const joined = await api<QueueStatus>('post', queuePath(st), { token: buyer.token });
  expect(joined.status, joined.text).toBe(200);
  expect((await control(st, { action: 'admit', buyerIds: [buyer.buyerId] })).status).toBe(200);
  const s = await api<QueueStatus>('get', queuePath(st), { token: buyer.token });
  expect(s.json.status).toBe('admitted');
  return { ...buyer, admission: s.json.admission!.token };
}

describe('the queue routes', () => {
  it('joins idempotently and says where the buyer stands', async () => {
    const a = await newBuyer();
    const b = await newBuyer();
    const first = await api<QueueStatus>('post', queuePath(line.showtimeId), { token: a.token });
    expect(first.status, first.text).toBe(200);
    expect(first.json).toMatchObject({ status: 'waiting', admission: null });
    await api('post', queuePath(line.showtimeId), { token: b.token });
    const again = await api<QueueStatus>('post', queuePath(line.showtimeId), { token: a.token });
    expect(again.json.waiting).toBe(first.json.waiting + 1);
    const bs = await api<QueueStatus>('get', queuePath(line.showtimeId), { token: b.token });
    expect(bs.json.status).toBe('waiting');
  });

  it('answers a join the same on the hot path as on Express (one use case, one contract)', async () => {
    // A trailing slash is not taken by the hot-path dispatcher; Express routes it to the same use case.
    const both = async (st: string, opts: Parameters<Api>[2]) => {
      const fast = await api('post', queuePath(st), opts);
      const viaExpress = await api('post', `${queuePath(st)}/`, opts);
      expect(viaExpress.status, `${viaExpress.text} vs ${fast.text}`).toBe(fast.status);
      for (const h of ['content-type', 'retry-after'])
        expect(viaExpress.headers.get(h), h).toBe(fast.headers.get(h));
      // (The hot path marks its error answers no-store too, as it does for holds.)
      if (fast.status === 200) expect(viaExpress.headers.get('cache-control')).toBe('no-store');
      return { fast, viaExpress };
    };
    const b = await newBuyer();
    // The hot path answered (Express adds its security headers; the dispatcher does not).
    const first = await both(line.showtimeId, { token: b.token, headers: { 'x-request-id': 'join-rid-1' } });
    expect(first.fast.headers.get('x-frame-options')).toBeNull();
    expect(first.viaExpress.headers.get('x-frame-options')).not.toBeNull();
    expect(first.fast.headers.get('x-request-id')).toBe('join-rid-1');
    expect(first.viaExpress.headers.get('x-request-id')).toBe('join-rid-1');
    expect(first.fast.status).toBe(200);
    // Idempotent: the second join (via Express) answers the same standing as the first.
    expect(first.viaExpress.json).toEqual(first.fast.json);
    expect(first.fast.json).toMatchObject({ showtimeId: line.showtimeId, status: 'waiting' });
    const signIn = await api('post', '/api/buyer/session', {
      body: { email: `wr-csrf-${randomUUID()}@example.test` },
    });
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
    const foreign = { origin: 'https://evil.example' };
    const refusals: Array<[string, Parameters<Api>[2], number, string]> = [
      [other.showtimeId, { cookie, headers: foreign, body: {} }, 403, 'csrf_failed'],
      [other.showtimeId, { token: b.token, rawBody: '{"challenge":', headers: json }, 400, 'malformed_json'],
      [other.showtimeId, { token: b.token, body: { extra: 1 } }, 400, 'validation_failed'],
      [
        other.showtimeId,
        { token: b.token, rawBody: '{}', headers: { 'content-type': 'text/plain' } },
        415,
        '',
      ],
      ['bad.id!', { token: b.token, body: {} }, 404, 'not_found'],
      ['nope123', { token: b.token, body: {} }, 404, 'not_found'],
      [open.showtimeId, { token: b.token, body: {} }, 409, 'waiting_room_off'],
      [other.showtimeId, {}, 401, 'unauthenticated'],
    ];
    for (const [st, opts, status, code] of refusals) {
      const { fast, viaExpress } = await both(st, opts);
      expect(fast.status, fast.text).toBe(status);
      // Answered by the dispatcher, except a join without a buyer session (declined: Express names what is missing).
      expect(fast.headers.get('x-frame-options') === null, `${status} from the hot path`).toBe(
        status !== 401,
      );
      if (code) expect((fast.json as ErrorEnvelope).error.code).toBe(code);
      expect(viaExpress.json).toEqual(fast.json);
    }
  });

  it('describes its routes in the OpenAPI document', async () => {
    const doc = await api<{ paths: Record<string, Record<string, unknown>> }>('get', '/api/openapi.json');
    expect(Object.keys(doc.json.paths['/api/showtimes/{id}/queue'] ?? {}).sort()).toEqual(['get', 'post']);
    expect(Object.keys(doc.json.paths['/api/staff/showtimes/{id}/waiting-room'] ?? {}).sort()).toEqual([
      'get',
      'post',
    ]);
  });

  it('refuses a showtime without a room, and an unknown one, with stable codes', async () => {
    const b = await newBuyer();
    const off = await api<ErrorEnvelope>('post', queuePath(open.showtimeId), { token: b.token });
    expect([off.status, off.json.error.code]).toEqual([409, 'waiting_room_off']);
    const none = await api<ErrorEnvelope>('get', queuePath('nope123'), { token: b.token });
    expect([none.status, none.json.error.code]).toEqual([404, 'not_found']);
    const anon = await api<ErrorEnvelope>('post', queuePath(room.showtimeId), {});
    expect(anon.status).toBe(401);
  });

  it("admits by the node's loop once the sale is on, handing a token the hold path accepts", async () => {
    const b = await newBuyer();
    await api('post', queuePath(room.showtimeId), { token: b.token });
    const s = await vi.waitFor(
      async () => {
        const r = await api<QueueStatus>('get', queuePath(room.showtimeId), { token: b.token });
        expect(r.json.status).toBe('admitted');
        return r.json;
      },
      { timeout: 8000, interval: 200 },
    );
    expect(s.admission?.token).toBeTruthy();
    // Asking again hands the same token (redeeming is idempotent).
    const again = await api<QueueStatus>('get', queuePath(room.showtimeId), { token: b.token });
    expect(again.json.admission?.token).toBe(s.admission!.token);
  });

  it('lets staff pause, change the rate and cap, and close; each action is audited', async () => {
    const st = other.showtimeId;
    const paused = await control(st, { action: 'pause' });
    expect(paused.json).toMatchObject({ paused: true });
    const set = await control(st, { action: 'settings', admissionPerMinute: 120, maxShoppers: 50 });
    expect(set.json).toMatchObject({ admissionPerMinute: 120, maxShoppers: 50 });
    const bad = await control(st, { action: 'settings', admissionPerMinute: 0 });
    expect([bad.status, (bad.json as ErrorEnvelope).error.code]).toEqual([400, 'validation_failed']);
    expect((await control(st, { action: 'start' })).json).toMatchObject({ paused: false });
    const actions = (
      await stack.container.prisma.auditEntry.findMany({
        where: { showtimeId: st },
        orderBy: { id: 'asc' },
      })
    )
      .map((e) => e.action)
      .filter((a) => a.startsWith('waiting_room.'));
    expect(actions).toEqual(['waiting_room.paused', 'waiting_room.settings_changed', 'waiting_room.started']);
  });
});

describe('the queue over Socket.IO', () => {
  it('answers where the buyer stands on queue:watch and pushes progress (pause, then resume)', async () => {
    const st = other.showtimeId;
    const b = await newBuyer();
    await api('post', queuePath(st), { token: b.token });
    const socket = await connected(openSocket(stack.url, { token: b.token }));
    sockets.push(socket);
    const seen: QueueProgress[] = [];
    socket.on('queue:progress', (p) => seen.push(p));
    const ack = (await socket
      .timeout(10_000)
      .emitWithAck('queue:watch', { showtimeId: st })) as Envelope<QueueStatus>;
    expect(ack.ok && ack.data.status).toBe('waiting');
    await control(st, { action: 'pause' });
    await vi.waitFor(() => expect(seen.map((p) => p.reason)).toContain('paused'));
    expect(seen.find((p) => p.reason === 'paused')).toMatchObject({ showtimeId: st, paused: true });
    await control(st, { action: 'start' });
    await vi.waitFor(() => expect(seen.map((p) => p.reason)).toContain('resumed'));
    // A reconnecting client asks again and is answered where it stands now.
    const again = (await socket
      .timeout(10_000)
      .emitWithAck('queue:watch', { showtimeId: st })) as Envelope<QueueStatus>;
    expect(again.ok && again.data.paused).toBe(false);
    const bad = (await socket
      .timeout(10_000)
      .emitWithAck('queue:watch', { showtimeId: '' })) as Envelope<QueueStatus>;
    expect(!bad.ok && bad.error.code).toBe('validation_failed');
    socket.close();
  });
});

type Attempt = { ok: true; hold: HoldResponse } | { ok: false; code: string; status?: number };

const entryPoints: Array<{
  name: string;
  hold(buyer: Buyer, st: string, token: string | undefined): Promise<Attempt>;
}> = [
  { name: 'hot path', hold: (b, st, t) => overHttp(`/api/showtimes/${st}/holds`, b, t) },
  { name: 'Express', hold: (b, st, t) => overHttp(`/api/showtimes/${st}/holds/`, b, t) },
  {
    name: 'socket',
    async hold(buyer, showtimeId, admissionToken) {
      const socket = await connected(openSocket(stack.url, { token: buyer.token }));
      sockets.push(socket);
      const ack = (await socket.timeout(10_000).emitWithAck('hold:create', {
        showtimeId,
        requestId: randomUUID(),
        zone: 'ga',
        quantity: 1,
        ...(admissionToken ? { admissionToken } : {}),
      })) as Envelope<HoldResponse>;
      socket.close();
      return ack.ok ? { ok: true, hold: ack.data } : { ok: false, code: ack.error.code };
    },
  },
];

async function overHttp(path: string, buyer: Buyer, admission: string | undefined): Promise<Attempt> {
  const headers: Record<string, string> = { 'idempotency-key': randomUUID() };
  if (admission) headers['x-admission-token'] = admission;
  const r = await api<HoldResponse | ErrorEnvelope>('post', path, {
    body: { zone: 'ga', quantity: 1 },
    token: buyer.token,
    headers,
  });
  if ('error' in r.json) return { ok: false, code: r.json.error.code, status: r.status };
  return { ok: true, hold: r.json };
}

describe.each(entryPoints)('the admission token on the $name', (entry) => {
  const tokens = () => createAdmissionTokens(stack.config.sessionSecret);
  const refused = (code: string) =>
    entry.name === 'socket' ? { ok: false, code } : { ok: false, code, status: 403 };

  it('is required where the room is on, and not where it is off', async () => {
    const b = await newBuyer();
    expect(await entry.hold(b, room.showtimeId, undefined)).toEqual(refused('admission_required'));
    expect((await entry.hold(b, open.showtimeId, undefined)).ok).toBe(true);
  });

  it('refuses forged, expired, foreign-buyer and foreign-showtime tokens, each with its own code', async () => {
    const b = await admittedBuyer();
    const end = Date.now() + 600_000;
    const forged = createAdmissionTokens('not the secret').sign(room.showtimeId, b.buyerId, end);
    const expired = tokens().sign(room.showtimeId, b.buyerId, Date.now() - 1);
    const someoneElse = (await admittedBuyer()).admission;
    const otherShow = tokens().sign(other.showtimeId, b.buyerId, end);
    expect(await entry.hold(b, room.showtimeId, forged)).toEqual(refused('admission_token_invalid'));
    expect(await entry.hold(b, room.showtimeId, 'garbage')).toEqual(refused('admission_token_invalid'));
    expect(await entry.hold(b, room.showtimeId, expired)).toEqual(refused('admission_token_expired'));
    expect(await entry.hold(b, room.showtimeId, someoneElse)).toEqual(refused('admission_token_wrong_buyer'));
    expect(await entry.hold(b, room.showtimeId, otherShow)).toEqual(
      refused('admission_token_wrong_showtime'),
    );
    // Its own token works, and keeps working within the window (redeeming is idempotent).
    const first = await entry.hold(b, room.showtimeId, b.admission);
    expect(first.ok).toBe(true);
    expect((await entry.hold(b, room.showtimeId, b.admission)).ok).toBe(true);
  });
});

it('exempts a counter sale at the box office', async () => {
  const r = await api<{ order: unknown } | ErrorEnvelope>(
    'post',
    `/api/staff/showtimes/${room.showtimeId}/counter-sale`,
    {
      body: {
        zone: 'ga',
        quantity: 1,
        buyerEmail: 'walkin@example.test',
        method: 'cash',
        requestId: randomUUID(),
      },
      token: staffToken,
    },
  );
  expect(r.status, r.text).toBe(201);
});
