import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ShowtimeMirror, type ServerToClientEvents, type ShowtimeSync } from '@seatrush/shared';
import type { Inventory } from '../src/inventory/inventory.ts';
import { createHoldUseCases } from '../src/application/holds/use-cases.ts';
import { createMetrics } from '../src/observability/metrics.ts';
import { inventoryPorts } from '../src/realtime/ports.ts';
import {
  stackInventory,
  startExtraNode,
  startTestStack,
  type ExtraNode,
  type TestStack,
} from './support/env.ts';
import { createShowtimeFixture, type Fixture } from './support/inventory-fixtures.ts';
import { apiClient, staffWithToken } from './support/catalog-fixtures.ts';
import { revokeApiToken } from '../src/auth/tokens.ts';
import { LiveClient, connected, openSocket, type ClientSocket } from './support/realtime-client.ts';
import { waitFor } from './support/wait.ts';

/**
 * Issue 6: three web nodes on one database and Redis prefix, clients on each, changes made through each node
 * (HTTP and socket holds) and through an expiry; every client must end with exactly the Redis state, also after
 * its node is stopped and it fails over to another.
 */

const HOLD_TTL_SECONDS = 60;

/** What a client shows, in the snapshot's terms. */
function view(m: ShowtimeMirror) {
  return {
    version: m.version,
    state: m.state,
    seatStates: m.seatStates,
    zones: m.zones,
    categories: m.categories,
  };
}

async function redisView(inv: Inventory, showtimeId: string) {
  const s = await inv.snapshot(showtimeId);
  return {
    version: s.version,
    state: s.state,
    seatStates: s.seatStates,
    zones: s.zones,
    categories: s.categories,
  };
}

/** Waits until every client shows exactly the Redis state (a precise diff of the last attempt when it does not). */
async function expectConverged(clients: LiveClient[], inv: Inventory, showtimeId: string): Promise<void> {
  await waitFor(
    async () => {
      const truth = await redisView(inv, showtimeId);
      for (const c of clients) expect(view(c.mirror)).toEqual(truth);
      return true;
    },
    10_000,
    'clients to converge',
  );
}

async function buyerToken(url: string, email: string): Promise<{ token: string; buyerId: string }> {
  const res = await apiClient(url)<{ token: string; buyerId: string }>('post', '/api/buyer/session', {
    body: { email },
  });
  if (res.status !== 201) throw new Error(`buyer session failed: ${res.status} ${res.text}`);
  return res.json;
}

type Ack = { ok: true; data: unknown } | { ok: false; error: { code: string; message: string } };

/** Emits any event with any payload (the contract's types would refuse the malformed ones). */
function raw(socket: ClientSocket, event: string, ...args: unknown[]): Promise<Ack> {
  const s = socket as unknown as {
    timeout(ms: number): { emitWithAck(e: string, ...a: unknown[]): Promise<Ack> };
  };
  return s.timeout(3_000).emitWithAck(event, ...args);
}

describe('real-time across three nodes', () => {
  let stack: TestStack;
  let extra: ExtraNode[] = [];
  const stopped = new Set<ExtraNode>();
  let urls: string[] = [];
  let inv: Inventory;
  /** Added to the real clock by the test's own inventory, to expire holds without waiting. */
  let skewMs = 0;
  let f: Fixture;
  const sockets: ClientSocket[] = [];
  const clients: LiveClient[] = [];

  beforeAll(async () => {
    stack = await startTestStack();
    extra = [await startExtraNode(stack), await startExtraNode(stack)];
    urls = [stack.url, ...extra.map((n) => n.url)];
    inv = stackInventory(stack, () => Date.now() + skewMs);
    f = await createShowtimeFixture(stack.container.prisma, {
      sections: [{ key: 'A', rows: 4, seatsPerRow: 10, category: 'std' }],
      gaZones: [{ key: 'ga', capacity: 50, category: 'floor' }],
      holdTtlSeconds: HOLD_TTL_SECONDS,
    });
    await inv.load(f.showtimeId);
  });

  afterAll(async () => {
    for (const c of clients) await c.close();
    for (const s of sockets) s.disconnect();
    for (const n of extra) await n.close();
    await stack?.close();
  });

  const socketTo = async (url: string, auth: { token?: string; cookie?: string } = {}) => {
    const s = openSocket(url, auth);
    sockets.push(s);
    return connected(s);
  };

  it('converges every client on every node to the Redis state: HTTP holds, socket holds, releases, expiry, failover', async () => {
    const alice = await buyerToken(urls[0]!, 'alice@example.test');
    const bob = await buyerToken(urls[1]!, 'bob@example.test');

    // Two viewers per node plus a buyer each for Alice and Bob, on different nodes.
    for (let i = 0; i < 6; i++) clients.push(new LiveClient(urls, f.showtimeId, {}, i % 3));
    const aliceClient = new LiveClient(urls, f.showtimeId, { token: alice.token }, 0);
    const bobClient = new LiveClient(urls, f.showtimeId, { token: bob.token }, 1);
    clients.push(aliceClient, bobClient);
    await Promise.all(clients.map((c) => c.start()));
    await expectConverged(clients, inv, f.showtimeId);
    // Everything a viewer receives, to check that no hold or buyer id ever leaks into public deltas.
    const seen: string[] = [];
    clients[0]!.socket!.onAny((event: string, payload: unknown) =>
      seen.push(`${event} ${JSON.stringify(payload)}`),
    );

    // Socket holds through node 1 (Alice) and node 2 (Bob): the same use case as HTTP, answered in the envelope.
    const a1 = await aliceClient.send('hold:create', {
      showtimeId: f.showtimeId,
      requestId: 'alice-1',
      seats: ['A-1-1', 'A-1-2'],
    });
    expect(a1.ok).toBe(true);
    const b1 = await bobClient.send('hold:create', {
      showtimeId: f.showtimeId,
      requestId: 'bob-1',
      zone: 'ga',
      quantity: 3,
    });
    expect(b1.ok).toBe(true);
    // The same error as HTTP for a taken seat.
    const taken = await bobClient.send('hold:create', {
      showtimeId: f.showtimeId,
      requestId: 'bob-2',
      seats: ['A-1-2'],
    });
    expect(taken).toMatchObject({ ok: false, error: { code: 'seat_unavailable' } });

    // An HTTP hold through node 3.
    const api3 = apiClient(urls[2]!);
    const httpHold = await api3<{ holdId: string; holdToken: string }>(
      'post',
      `/api/showtimes/${f.showtimeId}/holds`,
      {
        token: bob.token,
        headers: { 'idempotency-key': 'bob-http-1' },
        body: { seats: ['A-2-5', 'A-2-6', 'A-2-7'] },
      },
    );
    expect(httpHold.status).toBe(201);
    await expectConverged(clients, inv, f.showtimeId);

    // Release over the socket (node 2) of the HTTP hold.
    const rel = await bobClient.send('hold:release', {
      holdId: httpHold.json.holdId,
      holdToken: httpHold.json.holdToken,
    });
    expect(rel).toEqual({ ok: true, data: { released: true } });
    // Bob's tabs hear that this hold is gone (e.g. released from another tab).
    await waitFor(
      () => bobClient.facts.some((x) => x.fact.holdId === httpHold.json.holdId),
      8_000,
      'bob to hear his hold was released',
    );
    expect(bobClient.facts).toContainEqual({
      event: 'hold:lost',
      fact: { holdId: httpHold.json.holdId, showtimeId: f.showtimeId, reason: 'released' },
    });
    // Blocks by staff through the inventory (as the box office does).
    await inv.block(f.showtimeId, ['A-4-1', 'A-4-2'], 'press');
    await expectConverged(clients, inv, f.showtimeId);

    // "My holds": Alice rejoining sees her hold with its expiry; Bob's holds are not in her answer.
    const again = (await aliceClient.send('showtime:join', { showtimeId: f.showtimeId })) as {
      ok: true;
      data: ShowtimeSync;
    };
    expect(again.ok).toBe(true);
    expect(again.data.myHolds).toHaveLength(1);
    expect(again.data.myHolds[0]).toMatchObject({ seats: ['A-1-1', 'A-1-2'], zone: null, quantity: 2 });
    expect(Date.parse(again.data.myHolds[0]!.expiresAt)).toBeGreaterThan(Date.now());
    const a1Id = a1.ok ? (a1.data as { holdId: string }).holdId : '';

    // Expiry (a worker's job; here the test's inventory with its clock moved past every hold's expiry).
    skewMs = (HOLD_TTL_SECONDS + 5) * 1000;
    const expired = await inv.expireDue(f.showtimeId, 100);
    expect(expired).toContain(a1Id);
    await expectConverged(clients, inv, f.showtimeId);
    // The owner is told, on its own node; nobody else is.
    await waitFor(
      () => aliceClient.facts.some((x) => x.fact.holdId === a1Id),
      8_000,
      'alice to hear her hold expired',
    );
    expect(aliceClient.facts).toEqual([
      { event: 'hold:expired', fact: { holdId: a1Id, showtimeId: f.showtimeId, reason: 'expired' } },
    ]);
    expect(
      clients.filter((c) => c !== aliceClient && c !== bobClient).every((c) => c.facts.length === 0),
    ).toBe(true);
    expect(bobClient.facts.every((x) => x.fact.holdId !== a1Id)).toBe(true);
    skewMs = 0;

    // A burst of holds from every node at once, coalesced per window.
    const burst = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        apiClient(urls[i % 3]!)('post', `/api/showtimes/${f.showtimeId}/holds`, {
          token: bob.token,
          headers: { 'idempotency-key': `burst-${i}` },
          body: { seats: [`A-3-${(i % 10) + 1}`] },
        }),
      ),
    );
    expect(burst.filter((r) => r.status === 201)).toHaveLength(10);
    await expectConverged(clients, inv, f.showtimeId);

    // Node 2 dies: its clients reconnect to another node and resume from their version.
    const onNode2 = clients.filter((c) => c.url === urls[1]);
    expect(onNode2.length).toBeGreaterThan(0);
    stopped.add(extra[0]!);
    await extra[0]!.close();
    await waitFor(
      () => onNode2.every((c) => c.url !== urls[1] && c.socket?.connected === true),
      8_000,
      'clients of node 2 to fail over',
    );
    await aliceClient.send('hold:create', {
      showtimeId: f.showtimeId,
      requestId: 'alice-2',
      seats: ['A-1-9'],
    });
    await inv.unblock(f.showtimeId, ['A-4-1']);
    await expectConverged(clients, inv, f.showtimeId);
    for (const c of onNode2) expect(c.history.length).toBeGreaterThanOrEqual(2);

    expect(seen.length).toBeGreaterThan(3);
    expect(seen.every((m) => m.startsWith('seats:changed '))).toBe(true);
    for (const secret of [alice.buyerId, bob.buyerId, a1Id, httpHold.json.holdId]) {
      expect(seen.some((m) => m.includes(secret))).toBe(false);
    }
  });

  it('answers a resync with the missed deltas, or a snapshot when the client is too far behind', async () => {
    const s = await socketTo(urls[2]!);
    const joined = await raw(s, 'showtime:join', { showtimeId: f.showtimeId });
    expect(joined.ok).toBe(true);
    const mirror = new ShowtimeMirror(f.showtimeId);
    mirror.applySync((joined as { data: ShowtimeSync }).data);
    // Drop the pushes: from here on this client misses every delta (a gap).
    s.off('seats:changed');
    const before = mirror.version!;
    await inv.block(f.showtimeId, ['A-4-5'], 'gap test');
    await inv.block(f.showtimeId, ['A-4-6'], 'gap test');
    await inv.unblock(f.showtimeId, ['A-4-5']);
    mirror.expectSync();
    const res = await raw(s, 'showtime:resync', { showtimeId: f.showtimeId, since: before });
    expect(res.ok).toBe(true);
    const sync = (res as { data: ShowtimeSync }).data;
    expect(sync.kind).toBe('deltas');
    if (sync.kind === 'deltas') expect(sync.delta.from).toBe(before);
    mirror.applySync(sync);
    expect(view(mirror)).toEqual(await redisView(inv, f.showtimeId));

    // Version 0 is before the load: the log cannot bring it forward, so a snapshot comes back.
    const old = await raw(s, 'showtime:resync', { showtimeId: f.showtimeId, since: 0 });
    expect(old.ok && (old.data as ShowtimeSync).kind).toBe('snapshot');
    // A version from the future (e.g. Redis was rebuilt) also gets a snapshot.
    const future = await raw(s, 'showtime:resync', { showtimeId: f.showtimeId, since: 10_000_000 });
    expect(future.ok && (future.data as ShowtimeSync).kind).toBe('snapshot');
    // A snapshot answer leaves out labels the client already has.
    const labelled = (old as { data: ShowtimeSync & { kind: 'snapshot' } }).data.snapshot;
    const lean = await raw(s, 'showtime:resync', {
      showtimeId: f.showtimeId,
      since: 0,
      labelsKey: labelled.labelsKey,
    });
    expect(lean.ok && (lean.data as ShowtimeSync & { kind: 'snapshot' }).snapshot.seatLabels).toBeUndefined();
    expect(labelled.seatLabels).toHaveLength(f.seatLabels.length);
  });

  it('refuses malformed and unauthorised events with an error ack and keeps serving', async () => {
    const anon = await socketTo(urls[0]!);
    const buyer = await buyerToken(urls[0]!, 'carol@example.test');
    const carol = await socketTo(urls[0]!, { token: buyer.token });

    // Malformed payloads.
    expect(await raw(anon, 'showtime:join', { showtimeId: 42 })).toMatchObject({
      ok: false,
      error: { code: 'validation_failed' },
    });
    expect(await raw(anon, 'showtime:join', 'nonsense')).toMatchObject({
      ok: false,
      error: { code: 'validation_failed' },
    });
    expect(await raw(anon, 'showtime:join')).toMatchObject({
      ok: false,
      error: { code: 'validation_failed' },
    });
    expect(await raw(anon, 'showtime:join', { showtimeId: f.showtimeId, extra: true })).toMatchObject({
      ok: false,
      error: { code: 'validation_failed' },
    });
    expect(
      await raw(carol, 'hold:create', {
        showtimeId: f.showtimeId,
        requestId: 'x1',
        seats: ['A-1-5'],
        zone: 'ga',
        quantity: 1,
      }),
    ).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    expect(await raw(carol, 'showtime:resync', { showtimeId: f.showtimeId, since: -1 })).toMatchObject({
      ok: false,
      error: { code: 'validation_failed' },
    });
    // Unknown showtime.
    expect(await raw(anon, 'showtime:join', { showtimeId: 'no-such-showtime' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    // Without a buyer session there is no hold; a buyer is not staff.
    expect(
      await raw(anon, 'hold:create', { showtimeId: f.showtimeId, requestId: 'anon-1', seats: ['A-1-5'] }),
    ).toMatchObject({
      ok: false,
      error: { code: 'unauthenticated' },
    });
    expect(await raw(carol, 'staff:join', { showtimeId: f.showtimeId })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(await raw(anon, 'staff:join', { showtimeId: f.showtimeId })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    // Another buyer's hold cannot be released without its token.
    const hold = await raw(carol, 'hold:create', {
      showtimeId: f.showtimeId,
      requestId: 'carol-1',
      seats: ['A-2-1'],
    });
    expect(hold.ok).toBe(true);
    const { holdId } = (hold as { data: { holdId: string } }).data;
    // On another node than Carol (node 2 may have been stopped by the failover test).
    const dave = await socketTo(urls[2]!, { token: (await buyerToken(urls[2]!, 'dave@example.test')).token });
    expect(await raw(dave, 'hold:release', { holdId, holdToken: 'ht_not-the-token' })).toMatchObject({
      ok: false,
      error: { code: 'hold_token_invalid' },
    });
    // Resync without joining first.
    expect(await raw(dave, 'showtime:resync', { showtimeId: f.showtimeId, since: 1 })).toMatchObject({
      ok: false,
      error: { code: 'invalid_transition' },
    });

    // Events without an ack, unknown events, a flood of junk: ignored, and the node still answers.
    const loose = anon as unknown as { emit(e: string, ...a: unknown[]): void };
    loose.emit('showtime:join', { showtimeId: f.showtimeId });
    loose.emit('no:such:event', { a: 1 }, () => undefined);
    for (let i = 0; i < 50; i++) loose.emit('hold:create', i);
    expect(anon.connected).toBe(true);
    expect((await raw(anon, 'showtime:join', { showtimeId: f.showtimeId })).ok).toBe(true);
    // A flood of commands on one connection hits its rate limit; the connection stays usable.
    const flood = await Promise.all(
      Array.from({ length: 100 }, () => raw(dave, 'showtime:leave', { showtimeId: f.showtimeId })),
    );
    expect(flood.filter((r) => !r.ok && r.error.code === 'rate_limited').length).toBeGreaterThan(0);
    expect(flood.filter((r) => r.ok).length).toBeGreaterThan(0);
    expect(dave.connected).toBe(true);
    // A forged buyer token is no session: the handshake succeeds as anonymous.
    const forged = await socketTo(urls[2]!, { token: 'srb1.someone.ZW1haWw.9999999999.c2Vzc2lvbg.forged' });
    expect(
      await raw(forged, 'hold:create', { showtimeId: f.showtimeId, requestId: 'forged-1', seats: ['A-1-6'] }),
    ).toMatchObject({
      ok: false,
      error: { code: 'unauthenticated' },
    });
  });

  it('checks out over the socket with the HTTP use case and its errors', async () => {
    const erin = await buyerToken(urls[0]!, 'erin@example.test');
    const s = await socketTo(urls[0]!, { token: erin.token });
    const hold = await raw(s, 'hold:create', {
      showtimeId: f.showtimeId,
      requestId: 'erin-1',
      zone: 'ga',
      quantity: 2,
    });
    expect(hold.ok).toBe(true);
    const { holdId, holdToken } = (hold as { data: { holdId: string; holdToken: string } }).data;
    expect(
      await raw(s, 'hold:checkout', { holdId, holdToken, email: 'someone-else@example.test' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'validation_failed' },
    });
    expect(
      await raw(s, 'hold:checkout', { holdId, holdToken: 'ht_wrong', email: 'erin@example.test' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'hold_token_invalid' },
    });
    const paid = await raw(s, 'hold:checkout', { holdId, holdToken, email: 'erin@example.test' });
    expect(paid).toMatchObject({
      ok: true,
      data: { amountCents: expect.any(Number) as number, currency: 'EUR' },
    });
    expect((paid as { data: { paymentUrl: string } }).data.paymentUrl).not.toBe('');
  });

  it('streams staff statistics to staff only, with the same figures as the inventory', async () => {
    const staff = await staffWithToken(stack.container, 'box_office');
    const s = await socketTo(urls[2]!, { token: staff.token });
    const got: Parameters<ServerToClientEvents['staff:stats']>[0][] = [];
    s.on('staff:stats', (x) => got.push(x));
    const joined = await raw(s, 'staff:join', { showtimeId: f.showtimeId });
    expect(joined.ok).toBe(true);
    await waitFor(() => got.length > 0, 5_000, 'a pushed staff:stats');
    const stats = got[got.length - 1]!;
    const snap = await inv.snapshot(f.showtimeId);
    expect(stats.categories).toEqual(snap.categories);
    expect(stats.zones).toEqual(snap.zones);
    expect(stats.totals.sold + stats.totals.held + stats.totals.available + stats.totals.blocked).toBe(
      f.seatLabels.length + 50,
    );
    expect(stats.salesPerMinute).toHaveLength(15);
    const live = 1 + extra.filter((n) => !stopped.has(n)).length;
    expect(stats.nodes).toBe(live);
    // Every socket in the showtime room, on every live node.
    const inRooms = clients.filter((c) => c.socket?.connected).length;
    expect(stats.connectedBuyers).toBeGreaterThanOrEqual(inRooms);
    expect(await raw(s, 'staff:join', { showtimeId: 'nope' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });

  it('stops streaming to staff whose token was revoked after connecting: refuses staff:join, then disconnects', async () => {
    const staff = await staffWithToken(stack.container, 'box_office');
    const s = await socketTo(urls[0]!, { token: staff.token });
    expect((await raw(s, 'staff:join', { showtimeId: f.showtimeId })).ok).toBe(true);
    const disconnected = new Promise<string>((resolve) => s.on('disconnect', (reason) => resolve(reason)));
    await revokeApiToken(stack.container, staff.tokenId, 'system');
    expect(await raw(s, 'staff:join', { showtimeId: f.showtimeId })).toMatchObject({
      ok: false,
      error: { code: 'unauthenticated' },
    });
    // Still in the staff room from the first join: the periodic re-check (5 statistics intervals) ends it.
    expect(await disconnected).toBe('io server disconnect');
  }, 20_000);

  it('counts buyer-side sockets on every node as connected buyers, not staff watching the map (issue 8)', async () => {
    // A showtime of its own, so the other tests' sockets don't count.
    const g = await createShowtimeFixture(stack.container.prisma, { holdTtlSeconds: HOLD_TTL_SECONDS });
    await inv.load(g.showtimeId);
    const connectedBuyers = async (s: ClientSocket) => {
      const res = await raw(s, 'staff:join', { showtimeId: g.showtimeId });
      if (!res.ok) throw new Error(`staff:join failed: ${res.error.code}`);
      return (res.data as { connectedBuyers: number }).connectedBuyers;
    };
    const join = async (s: ClientSocket) =>
      expect(await raw(s, 'showtime:join', { showtimeId: g.showtimeId })).toMatchObject({ ok: true });

    // Node 2 may have been stopped by the failover test: nodes 1 and 3 are up.
    const staff = await staffWithToken(stack.container, 'box_office');
    const desk = await socketTo(urls[0]!, { token: staff.token });
    const pushed: number[] = [];
    desk.on('staff:stats', (x) => {
      if (x.showtimeId === g.showtimeId) pushed.push(x.connectedBuyers);
    });
    await join(desk); // the staff seat map follows the showtime room like a buyer's map does
    expect(await connectedBuyers(desk)).toBe(0);

    const fay = await socketTo(urls[0]!, { token: (await buyerToken(urls[0]!, 'fay@example.test')).token });
    const gus = await socketTo(urls[2]!, { token: (await buyerToken(urls[2]!, 'gus@example.test')).token });
    await join(fay);
    await join(gus);
    expect(await connectedBuyers(desk)).toBe(2);
    // The pushed figures too (a push computed before the joins may still arrive first).
    await waitFor(() => pushed.at(-1) === 2, 5_000, 'a pushed staff:stats of 2');

    // A buyer on the other node closes the tab; another leaves the showtime but stays connected.
    gus.disconnect();
    await waitFor(
      async () => {
        expect(await connectedBuyers(desk)).toBe(1);
        return true;
      },
      8_000,
      'connected buyers to drop',
    );
    expect(await raw(fay, 'showtime:leave', { showtimeId: g.showtimeId })).toMatchObject({ ok: true });
    expect(await connectedBuyers(desk)).toBe(0);
  });
});

describe('a reader that falls behind the change log', () => {
  let stack: TestStack;
  let inv: Inventory;
  let f: Fixture;
  let client: LiveClient;

  beforeAll(async () => {
    stack = await startTestStack();
    inv = stackInventory(stack);
    f = await createShowtimeFixture(stack.container.prisma, {
      sections: [{ key: 'A', rows: 10, seatsPerRow: 10, category: 'std' }],
    });
    await inv.load(f.showtimeId);
  });

  afterAll(async () => {
    await client?.close();
    await stack?.close();
  });

  it('gets the whole state as one reset, and clients converge through a burst larger than one log read', async () => {
    client = new LiveClient([stack.url], f.showtimeId);
    await client.start();
    const ports = inventoryPorts({
      inventory: inv,
      holds: createHoldUseCases({ inventory: inv, metrics: createMetrics() }),
      prisma: stack.container.prisma,
    });
    const before = client.mirror.version!;
    // 2,200 changes (each seat blocked and unblocked 11 times): more than one read of the log returns (2,000).
    await Promise.all(
      f.seatLabels.map(async (seat) => {
        for (let round = 0; round < 11; round++) {
          await inv.block(f.showtimeId, [seat], 'burst');
          await inv.unblock(f.showtimeId, [seat]);
        }
      }),
    );
    const read = await ports.readChanges(f.showtimeId, before);
    const snap = await inv.snapshot(f.showtimeId);
    expect(read).toEqual({
      kind: 'full',
      version: snap.version,
      changes: {
        seats: [],
        all: snap.seatStates,
        labelsKey: snap.labelsKey,
        zones: snap.zones,
        categories: snap.categories,
        state: snap.state,
      },
    });
    await expectConverged([client], inv, f.showtimeId);
  });
});
