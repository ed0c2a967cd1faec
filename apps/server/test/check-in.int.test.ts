import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  CounterSaleResult,
  Envelope,
  OfflineTicketList,
  RedeemResult,
  ScanUploadResult,
  StaffStats,
  TicketDto,
} from '@seatrush/shared';
import { startTestStack, type TestStack } from './support/env.ts';
import { staffWithToken, type ErrorEnvelope } from './support/catalog-fixtures.ts';
import { ordersWorld, type OrdersWorld } from './support/orders-fixtures.ts';
import { connected, openSocket } from './support/realtime-client.ts';
import { waitFor } from './support/wait.ts';
import { ticketQrPayload } from '../src/orders/codes.ts';

/**
 * Issue 16, check-in at the door: a ticket redeems once however many scanners race for it; refunded, cancelled,
 * forged and other shows' tickets are refused with their reason; offline uploads keep the first scan by scan time
 * and show the conflicts; door staff scan and do nothing else.
 */

let stack: TestStack;
let w: OrdersWorld;
let admin: Awaited<ReturnType<typeof staffWithToken>>;
let box: Awaited<ReturnType<typeof staffWithToken>>;
let door: Awaited<ReturnType<typeof staffWithToken>>;
let row = 0;

beforeAll(async () => {
  stack = await startTestStack({ worker: true, env: { STAFF_STATS_INTERVAL_MS: '200' } });
  w = await ordersWorld(stack, {
    sections: [{ key: 'A', rows: 10, seatsPerRow: 10, category: 'std' }],
    prices: { std: 2500 },
    perBuyerLimit: 50,
    buyers: 2,
  });
  admin = await staffWithToken(stack.container, 'admin');
  box = await staffWithToken(stack.container, 'box_office');
  door = await staffWithToken(stack.container, 'door');
}, 60_000);
afterAll(async () => {
  await stack?.close();
});

const st = () => w.f.showtimeId;
const prisma = () => stack.container.prisma;

/** Paid tickets: a counter sale of `n` seats of the next free row. */
async function sell(n = 2): Promise<{ code: string; tickets: TicketDto[] }> {
  row++;
  const seats = Array.from({ length: n }, (_, i) => `A-${row}-${i + 1}`);
  const r = await w.api<CounterSaleResult>('post', `/api/staff/showtimes/${st()}/counter-sale`, {
    body: { seats, method: 'cash', buyerEmail: `door-${row}@example.test` },
    token: box.token,
  });
  expect(r.status, r.text).toBe(201);
  return { code: r.json.order.code, tickets: r.json.order.tickets };
}

const redeem = (payload: string, token: string, extra: Record<string, unknown> = {}) =>
  w.api<RedeemResult & ErrorEnvelope>('post', '/api/checkin/redeem', {
    body: { payload, device: 'Gate A · phone 1', ...extra },
    token,
  });

describe('redeeming a ticket', () => {
  it('admits once; the second scan says when, where and by whom it was first scanned', async () => {
    const { tickets } = await sell(1);
    const t = tickets[0]!;
    const first = await redeem(t.qrPayload, door.token, { showtimeId: st() });
    expect(first.status, first.text).toBe(200);
    expect(first.json).toMatchObject({
      result: 'accepted',
      ticket: { ticketCode: t.ticketCode, showtimeId: st(), label: t.label },
      checkIn: { device: 'Gate A · phone 1', by: 'Test door (API token)', offline: false },
    });
    const again = await redeem(t.qrPayload, box.token, { device: 'Gate B' });
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe('ticket_already_redeemed');
    expect(again.json.error.details).toMatchObject({
      first: { at: first.json.checkIn.at, device: 'Gate A · phone 1', by: 'Test door (API token)' },
    });
    const audit = await prisma().auditEntry.findMany({
      where: { entityId: t.ticketCode },
      orderBy: { id: 'asc' },
    });
    expect(audit.map((a) => [a.action, a.actor])).toEqual([
      ['checkin.redeemed', `token:${door.tokenId}`],
      ['checkin.refused', `token:${box.tokenId}`],
    ]);
  });

  it('20 concurrent scans of one ticket: exactly one is admitted', async () => {
    const { tickets } = await sell(1);
    const t = tickets[0]!;
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => redeem(t.qrPayload, door.token, { device: `Gate ${i}` })),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    const winner = answers.find((a) => a.status === 200)!.json.checkIn;
    for (const a of answers.filter((x) => x.status === 409)) {
      expect(a.json.error.code).toBe('ticket_already_redeemed');
      expect(a.json.error.details).toMatchObject({ first: { device: winner.device, at: winner.at } });
    }
    const item = await prisma().orderItem.findUniqueOrThrow({ where: { ticketCode: t.ticketCode } });
    expect(await prisma().checkIn.count({ where: { orderItemId: item.id } })).toBe(1);
    expect(
      await prisma().auditEntry.count({ where: { entityId: t.ticketCode, action: 'checkin.redeemed' } }),
    ).toBe(1);
  });

  it('accepts the ticket code typed by hand (any case, with spaces)', async () => {
    const { tickets } = await sell(1);
    const code = tickets[0]!.ticketCode;
    const typed = `${code.slice(0, 4).toLowerCase()} ${code.slice(4)}`;
    const r = await redeem(typed, door.token);
    expect(r.status, r.text).toBe(200);
    expect(r.json.ticket.ticketCode).toBe(code);
  });

  it('refuses forged, tampered and unknown tickets with ticket_invalid and changes nothing', async () => {
    const { tickets } = await sell(1);
    const t = tickets[0]!;
    const forged = [
      ticketQrPayload('not-our-secret-0123456789abcdef', t.ticketCode, st()),
      t.qrPayload.slice(0, -1) + (t.qrPayload.endsWith('A') ? 'B' : 'A'),
      t.qrPayload.replace(st(), 'another-showtime'),
      ticketQrPayload(stack.config.ticketSigningSecret, 'ABCDEFGHJKMN', st()),
      'ABCDEFGHJKMN',
      'hello',
    ];
    for (const payload of forged) {
      const r = await redeem(payload, door.token);
      expect(r.status, payload).toBe(400);
      expect(r.json.error.code, payload).toBe('ticket_invalid');
    }
    const bad = await w.api<ErrorEnvelope>('post', '/api/checkin/redeem', {
      body: { payload: '', device: '' },
      token: door.token,
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error.issues?.map((i) => i.path).sort()).toEqual(['body.device', 'body.payload']);
    expect(await prisma().checkIn.count({ where: { ticketCode: t.ticketCode } })).toBe(0);
  });

  it('refuses refunded and cancelled tickets with their reason, and other shows’ tickets', async () => {
    const { code, tickets } = await sell(2);
    await prisma().orderItem.update({
      where: { ticketCode: tickets[0]!.ticketCode },
      data: { status: 'refunded' },
    });
    const refunded = await redeem(tickets[0]!.qrPayload, door.token);
    expect(refunded.status).toBe(409);
    expect(refunded.json.error).toMatchObject({ code: 'ticket_not_valid', details: { reason: 'refunded' } });

    const wrong = await redeem(tickets[1]!.qrPayload, door.token, { showtimeId: 'some-other-showtime' });
    expect(wrong.status).toBe(409);
    expect(wrong.json.error.code).toBe('ticket_wrong_showtime');

    await prisma().order.update({ where: { code }, data: { status: 'CANCELLED' } });
    const cancelled = await redeem(tickets[1]!.qrPayload, door.token);
    expect(cancelled.json.error).toMatchObject({
      code: 'ticket_not_valid',
      details: { reason: 'cancelled' },
    });
    expect(
      await prisma().checkIn.count({ where: { ticketCode: { in: tickets.map((t) => t.ticketCode) } } }),
    ).toBe(0);
    const refusals = await prisma().auditEntry.findMany({
      where: { entityId: { in: tickets.map((t) => t.ticketCode) }, action: 'checkin.refused' },
    });
    expect(refusals.map((r) => (r.after as { reason: string }).reason).sort()).toEqual([
      'cancelled',
      'refunded',
      'wrong_showtime',
    ]);
  });
});

describe('the door role', () => {
  it('door staff scan; they cannot sell, refund, block seats or read orders; box office and admins scan too', async () => {
    const { code, tickets } = await sell(3);
    expect((await redeem(tickets[0]!.qrPayload, door.token)).status).toBe(200);
    expect((await redeem(tickets[1]!.qrPayload, box.token)).status).toBe(200);
    expect((await redeem(tickets[2]!.qrPayload, admin.token)).status).toBe(200);

    const sale = await w.api<ErrorEnvelope>('post', `/api/staff/showtimes/${st()}/counter-sale`, {
      body: { seats: ['A-10-10'], method: 'cash' },
      token: door.token,
    });
    expect(sale.status).toBe(403);
    expect(sale.json.error.code).toBe('forbidden');
    const refund = await w.api<ErrorEnvelope>('post', `/api/staff/orders/${code}/refund`, {
      body: {},
      headers: { 'idempotency-key': 'door-refund' },
      token: door.token,
    });
    expect(refund.status).toBe(403);
    expect((await w.api('get', `/api/staff/orders/${code}`, { token: door.token })).status).toBe(403);
    expect(
      (await w.api('get', `/api/staff/showtimes/${st()}/export/tickets`, { token: door.token })).status,
    ).toBe(403);
    expect(await prisma().order.count({ where: { code } })).toBe(1);
    expect((await prisma().order.findUniqueOrThrow({ where: { code } })).status).toBe('PAID');

    const me = await w.api<{ role: string }>('get', '/api/staff/me', { token: door.token });
    expect(me.json.role).toBe('door');

    // Nor do they watch the dashboard's live figures.
    const socket = await connected(openSocket(stack.url, { token: door.token }));
    try {
      const ack = (await socket
        .timeout(5000)
        .emitWithAck('staff:join', { showtimeId: st() })) as Envelope<StaffStats>;
      expect(ack.ok).toBe(false);
      if (!ack.ok) expect(ack.error.code).toBe('forbidden');
    } finally {
      socket.close();
    }
  });
});

describe('offline scanning', () => {
  it('downloads the signed list, uploads scans later; the first scan by scan time wins and conflicts are shown', async () => {
    const { tickets } = await sell(4);
    const [t1, t2, t3, t4] = tickets as [TicketDto, TicketDto, TicketDto, TicketDto];
    await prisma().orderItem.update({ where: { ticketCode: t4.ticketCode }, data: { status: 'refunded' } });

    const list = await w.api<OfflineTicketList>('get', `/api/checkin/showtimes/${st()}/tickets`, {
      token: door.token,
    });
    expect(list.status, list.text).toBe(200);
    const mine = list.json.tickets.filter((t) => tickets.some((x) => x.ticketCode === t.ticketCode));
    expect(mine).toHaveLength(4);
    for (const t of mine)
      expect(t.payload).toBe(tickets.find((x) => x.ticketCode === t.ticketCode)!.qrPayload);
    expect(mine.find((t) => t.ticketCode === t4.ticketCode)!.refused).toBe('refunded');
    expect(mine.find((t) => t.ticketCode === t1.ticketCode)).toMatchObject({ refused: null, checkIn: null });

    const at = (s: number) => new Date(Date.UTC(2026, 11, 24, 19, 0, s)).toISOString();
    const upload = (
      device: string,
      scans: Array<{ payload: string; scannedAt: string }>,
      token = door.token,
    ) =>
      w.api<ScanUploadResult>('post', `/api/checkin/showtimes/${st()}/scans`, {
        body: { device, scans },
        token,
      });

    // Gate A was offline: it admitted t1 at :30 and t2 at :10, and scanned a refunded ticket and a forgery.
    const a = await upload('Gate A', [
      { payload: t1.qrPayload, scannedAt: at(30) },
      { payload: t2.qrPayload, scannedAt: at(10) },
      { payload: t4.qrPayload, scannedAt: at(12) },
      { payload: `${t3.qrPayload}x`, scannedAt: at(13) },
    ]);
    expect(a.status, a.text).toBe(200);
    expect(a.json).toMatchObject({ accepted: 2, duplicates: 0, refused: 2, conflicts: 0 });
    expect(a.json.scans.map((s) => [s.outcome, s.reason])).toEqual([
      ['accepted', null],
      ['accepted', null],
      ['refused', 'refunded'],
      ['refused', 'invalid'],
    ]);

    // Gate B, also offline, scanned t1 earlier (:20) and t2 later (:40): t1 moves to B, t2 stays with A.
    const b = await upload('Gate B', [
      { payload: t2.qrPayload, scannedAt: at(40) },
      { payload: t1.qrPayload, scannedAt: at(20) },
    ]);
    expect(b.json).toMatchObject({ accepted: 1, duplicates: 1, refused: 0, conflicts: 2 });
    expect(b.json.scans[0]).toMatchObject({
      outcome: 'duplicate',
      first: { device: 'Gate A', at: at(10), offline: true },
    });
    expect(b.json.scans[1]).toMatchObject({
      outcome: 'accepted',
      first: { device: 'Gate B', at: at(20) },
      replaced: { device: 'Gate A', at: at(30) },
    });

    // Uploading A's batch again (the answer was lost) changes nothing and reports A's t1 scan as the later one.
    const again = await upload('Gate A', [
      { payload: t1.qrPayload, scannedAt: at(30) },
      { payload: t2.qrPayload, scannedAt: at(10) },
    ]);
    expect(again.json.scans.map((s) => s.outcome)).toEqual(['duplicate', 'accepted']);
    expect(again.json.scans[0]!.first).toMatchObject({ device: 'Gate B', at: at(20) });

    // Online, the door now sees the winners.
    const online = await redeem(t1.qrPayload, door.token);
    expect(online.json.error).toMatchObject({
      code: 'ticket_already_redeemed',
      details: { first: { device: 'Gate B', at: at(20), offline: true } },
    });
    const rows = await prisma().checkIn.findMany({
      where: { ticketCode: { in: [t1.ticketCode, t2.ticketCode] } },
      orderBy: { ticketCode: 'asc' },
    });
    expect(rows).toHaveLength(2);
    expect(new Map(rows.map((r) => [r.ticketCode, [r.device, r.scannedAt.toISOString()]]))).toEqual(
      new Map([
        [t1.ticketCode, ['Gate B', at(20)]],
        [t2.ticketCode, ['Gate A', at(10)]],
      ]),
    );
    expect(
      await prisma().auditEntry.count({
        where: { entityId: { in: [t1.ticketCode, t2.ticketCode] }, action: 'checkin.conflict' },
      }),
    ).toBe(3);

    const listAfter = await w.api<OfflineTicketList>('get', `/api/checkin/showtimes/${st()}/tickets`, {
      token: door.token,
    });
    expect(listAfter.json.tickets.find((t) => t.ticketCode === t1.ticketCode)!.checkIn).toMatchObject({
      device: 'Gate B',
      at: at(20),
    });
  });

  it('refuses an upload for an unknown showtime, bad scans and scans of another show', async () => {
    const bad = await w.api<ErrorEnvelope>('post', `/api/checkin/showtimes/${st()}/scans`, {
      body: { device: 'Gate C', scans: [{ payload: 'x', scannedAt: 'yesterday' }] },
      token: door.token,
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error.issues?.[0]?.path).toBe('body.scans.0.scannedAt');
    const missing = await w.api<ErrorEnvelope>('post', '/api/checkin/showtimes/nope/scans', {
      body: { device: 'Gate C', scans: [{ payload: 'x', scannedAt: new Date().toISOString() }] },
      token: door.token,
    });
    expect(missing.status).toBe(404);
  });
});

describe('live check-in counts', () => {
  it('the counts route and the dashboard’s staff statistics count scanned-in tickets', async () => {
    const before = await w.api<{ tickets: number; checkedIn: number }>(
      'get',
      `/api/checkin/showtimes/${st()}/counts`,
      { token: door.token },
    );
    expect(before.status).toBe(200);
    const socket = await connected(openSocket(stack.url, { token: box.token }));
    try {
      const pushed: { latest: StaffStats | null } = { latest: null };
      socket.on('staff:stats', (s) => {
        if (s.showtimeId === st()) pushed.latest = s;
      });
      const ack = (await socket
        .timeout(5000)
        .emitWithAck('staff:join', { showtimeId: st() })) as Envelope<StaffStats>;
      expect(ack.ok).toBe(true);
      if (!ack.ok) return;
      expect(ack.data.checkIns).toEqual({ checkedIn: before.json.checkedIn, tickets: before.json.tickets });

      const { tickets } = await sell(2);
      expect((await redeem(tickets[0]!.qrPayload, door.token)).status).toBe(200);
      const after = await w.api<{ tickets: number; checkedIn: number }>(
        'get',
        `/api/checkin/showtimes/${st()}/counts`,
        { token: door.token },
      );
      expect(after.json).toMatchObject({
        tickets: before.json.tickets + 2,
        checkedIn: before.json.checkedIn + 1,
      });
      await waitFor(
        () => {
          const s = pushed.latest;
          return s?.checkIns.checkedIn === after.json.checkedIn && s.checkIns.tickets === after.json.tickets;
        },
        10_000,
        'staff:stats with the new check-in',
      );
    } finally {
      socket.close();
    }
  });
});
