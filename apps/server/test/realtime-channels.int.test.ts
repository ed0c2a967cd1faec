import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Counter } from 'prom-client';
import { pino } from 'pino';
import { isCluster, type Redis } from '../src/db/redis.ts';
import type { Change, Inventory } from '../src/inventory/inventory.ts';
import { ChangeMessage, createChangeFollows } from '../src/inventory/change-follows.ts';
import { createSoldOutGate, type SoldOutGate } from '../src/inventory/gate.ts';
import {
  onCluster,
  stackInventory,
  testPrefix,
  testRedis,
  startExtraNode,
  startTestStack,
  type ExtraNode,
  type TestStack,
} from './support/env.ts';
import { createShowtimeFixture, type Fixture } from './support/inventory-fixtures.ts';
import { LiveClient } from './support/realtime-client.ts';
import { waitFor } from './support/wait.ts';

/**
 * Issue 18: every showtime's changes go on a channel of their own (sharded pub/sub, on the showtime's slot), and a
 * node follows only the showtimes that have a room on it. Two nodes, one watching showtime A and the other B: each
 * receives and decodes exactly its own showtime's changes, and its deltas come from those messages. Runs on a
 * single Redis and, in cluster mode, on the 3-master cluster (where the channels live on different masters).
 */

/** Subscribers of a sharded channel, wherever its slot lives (on a cluster, PUBSUB answers for one node). */
async function shardSubscribers(redis: Redis, channel: string): Promise<number> {
  let n = 0;
  for (const server of isCluster(redis) ? redis.nodes('master') : [redis]) {
    const reply = (await server.call('PUBSUB', 'SHARDNUMSUB', channel)) as [string, number];
    n += Number(reply[1]);
  }
  return n;
}

async function counter(
  node: { container: TestStack['container'] },
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const metric = node.container.metrics.registry.getSingleMetric(name) as Counter | undefined;
  if (!metric) return 0;
  const { values } = await metric.get();
  return values
    .filter((v) => Object.entries(labels).every(([k, want]) => v.labels[k] === want))
    .reduce((sum, v) => sum + v.value, 0);
}

const DECODED = 'seatrush_realtime_changes_decoded_total';
const DELTAS = 'seatrush_realtime_deltas_total';

describe('per-showtime change channels', () => {
  let stack: TestStack;
  let other: ExtraNode;
  let inv: Inventory;
  let a: Fixture;
  let b: Fixture;
  const clients: LiveClient[] = [];

  beforeAll(async () => {
    stack = await startTestStack();
    other = await startExtraNode(stack);
    inv = stackInventory(stack);
    const layout = { sections: [{ key: 'A', rows: 2, seatsPerRow: 10, category: 'std' }] };
    a = await createShowtimeFixture(stack.container.prisma, layout);
    b = await createShowtimeFixture(stack.container.prisma, layout);
    await inv.load(a.showtimeId);
    await inv.load(b.showtimeId);
  });

  afterAll(async () => {
    for (const c of clients) await c.close();
    await other?.close();
    await stack?.close();
  });

  it('delivers a showtime’s changes only to the nodes with a room for it, each decoded once there', async () => {
    const watchA = new LiveClient([stack.url, other.url], a.showtimeId, {}, 0);
    const watchB = new LiveClient([stack.url, other.url], b.showtimeId, {}, 1);
    clients.push(watchA, watchB);
    await Promise.all(clients.map((c) => c.start()));
    const redis = stack.container.redis;
    // One subscriber each: node 1's fan-out on A's channel, node 2's on B's (no hold went through a node's gate).
    await waitFor(
      async () =>
        (await shardSubscribers(redis, inv.changesChannel(a.showtimeId))) === 1 &&
        (await shardSubscribers(redis, inv.changesChannel(b.showtimeId))) === 1,
      5_000,
      'each showtime followed by one node',
    );
    const decoded1 = await counter(stack, DECODED);
    const decoded2 = await counter(other, DECODED);
    const fromMessages1 = await counter(stack, DELTAS, { source: 'messages' });
    const fromMessages2 = await counter(other, DELTAS, { source: 'messages' });

    // Five changes of A, three of B, one at a time (each message is its own delta's source).
    for (const seat of ['A-1-1', 'A-1-2', 'A-1-3', 'A-1-4', 'A-1-5']) {
      const before = watchA.mirror.version!;
      await inv.block(a.showtimeId, [seat], 'test');
      await waitFor(() => watchA.mirror.version! > before, 5_000, 'the change of A to reach its watcher');
    }
    for (const seat of ['A-2-1', 'A-2-2', 'A-2-3']) {
      const before = watchB.mirror.version!;
      await inv.block(b.showtimeId, [seat], 'test');
      await waitFor(() => watchB.mirror.version! > before, 5_000, 'the change of B to reach its watcher');
    }
    expect(watchA.mirror.version).toBe((await inv.snapshot(a.showtimeId)).version);
    expect(watchB.mirror.version).toBe((await inv.snapshot(b.showtimeId)).version);

    // Node 1 decoded A's five changes and none of B's; node 2 B's three and none of A's.
    expect((await counter(stack, DECODED)) - decoded1).toBe(5);
    expect((await counter(other, DECODED)) - decoded2).toBe(3);
    // And the deltas came from those messages (not from the log reads that repair lost ones).
    expect((await counter(stack, DELTAS, { source: 'messages' })) - fromMessages1).toBeGreaterThan(0);
    expect((await counter(other, DELTAS, { source: 'messages' })) - fromMessages2).toBeGreaterThan(0);
  });

  it.runIf(onCluster())(
    'rides the sharded Socket.IO adapter on a cluster: a room’s channel is followed by the nodes that have the room',
    async () => {
      const redis = stack.container.redis;
      const sio = `${stack.config.redisPrefix}:sio#/#`;
      // Both nodes on the namespace's channel; the room of A (only on node 1) on its own channel.
      expect(await shardSubscribers(redis, sio)).toBe(2);
      expect(await shardSubscribers(redis, `${sio}st:${a.showtimeId}#`)).toBe(1);
      expect(await shardSubscribers(redis, `${sio}st:${b.showtimeId}#`)).toBe(1);
    },
  );
});

/**
 * The sold-out gate and the fan-out of one node follow the showtimes' channels through one registry
 * (inventory/change-follows.ts): one SSUBSCRIBE per showtime per node, each message parsed and decoded once for
 * both, each consumer with its own rules — the gate trusts its flags once its subscription is confirmed and the
 * version read, and drops a showtime nobody asked about; the fan-out follows rooms, with a grace after the last
 * socket (REALTIME_UNFOLLOW_GRACE_MS, 0 here).
 */
describe('one change subscription per showtime and node', () => {
  const silent = pino({ level: 'silent' });
  let stack: TestStack;
  let gateRedis: Redis;
  let gate: SoldOutGate;
  let inv: Inventory;
  let c: Fixture;

  beforeAll(async () => {
    const prefix = testPrefix();
    gateRedis = testRedis();
    // The node's own gate, built here so the test can ask it; idle after one tick without a question.
    gate = createSoldOutGate({ redis: gateRedis, prefix, logger: silent, idleMs: 1000 });
    stack = await startTestStack({
      env: { REDIS_PREFIX: prefix, REALTIME_UNFOLLOW_GRACE_MS: '0' },
      services: { soldOutGate: gate },
    });
    inv = stackInventory(stack);
    c = await createShowtimeFixture(stack.container.prisma, {
      sections: [{ key: 'A', rows: 1, seatsPerRow: 4, category: 'std' }],
    });
    await inv.load(c.showtimeId);
  });

  afterAll(async () => {
    await stack?.close();
    gateRedis?.disconnect();
  });

  it('serves the gate and the fan-out with one subscription, each by its own rules', async () => {
    const channel = inv.changesChannel(c.showtimeId);
    const watch = new LiveClient([stack.url], c.showtimeId, {}, 0);
    await watch.start();
    // The fan-out follows the room; the gate follows once asked (as by a hold request), and trusts it when confirmed.
    expect(gate.isSoldOut(c.showtimeId, 'A')).toBe(false);
    await waitFor(() => gate.following().includes(c.showtimeId), 5_000, 'the gate to follow');
    expect(gate.follows.followed()).toEqual([c.showtimeId]);
    expect(await shardSubscribers(stack.container.redis, channel)).toBe(1);
    const decoded = await counter(stack, DECODED);

    // One change reaches both: the watcher's mirror and the gate's listener.
    const seen: Change[] = [];
    const off = gate.onChange((showtimeId, change) => {
      if (showtimeId === c.showtimeId) seen.push(change);
    });
    const before = watch.mirror.version!;
    await inv.block(c.showtimeId, ['A-1-1'], 'test');
    await waitFor(() => watch.mirror.version! > before && seen.length === 1, 5_000, 'both consumers');
    expect(seen[0]!.version).toBe(watch.mirror.version);
    expect((await counter(stack, DECODED)) - decoded).toBe(1);
    off();

    // Nobody asks the gate any more: it lets the showtime go, the fan-out's room keeps the subscription.
    await waitFor(() => !gate.following().includes(c.showtimeId), 10_000, 'the gate to go idle');
    expect(await shardSubscribers(stack.container.redis, channel)).toBe(1);
    const next = watch.mirror.version!;
    await inv.block(c.showtimeId, ['A-1-2'], 'test');
    await waitFor(() => watch.mirror.version! > next, 5_000, 'the watcher, from the fan-out alone');

    // The room empties (no grace here): the last consumer is gone, and so is the subscription.
    await watch.close();
    await waitFor(
      async () => (await shardSubscribers(stack.container.redis, channel)) === 0,
      5_000,
      'the channel to be unsubscribed',
    );
    expect(gate.follows.followed()).toEqual([]);
  });

  it('hands every consumer the same message, parsed once, while any of them follows', async () => {
    const follows = createChangeFollows({
      redis: stack.container.redis,
      prefix: stack.config.redisPrefix,
      logger: silent,
      connectionName: 'test-change-follows',
    });
    const [a, b] = [follows.consumer(), follows.consumer()];
    const got: Record<'a' | 'b', ChangeMessage[]> = { a: [], b: [] };
    a.onMessage((_, m) => got.a.push(m));
    b.onMessage((_, m) => got.b.push(m));
    const channel = inv.changesChannel(c.showtimeId);
    try {
      await Promise.all([a.subscribe(c.showtimeId), b.subscribe(c.showtimeId)]);
      expect(await shardSubscribers(stack.container.redis, channel)).toBe(1);
      await inv.block(c.showtimeId, ['A-1-3'], 'test');
      await waitFor(() => got.a.length === 1 && got.b.length === 1, 5_000, 'both consumers');
      expect(got.a[0]).toBe(got.b[0]);
      expect(got.a[0]!.change).toBe(got.b[0]!.change);
      expect(got.a[0]!.change?.type).toBe('block');

      // One leaves: the other still hears; the subscription goes with the last one.
      await a.unsubscribe(c.showtimeId);
      expect(await shardSubscribers(stack.container.redis, channel)).toBe(1);
      await inv.block(c.showtimeId, ['A-1-4'], 'test');
      await waitFor(() => got.b.length === 2, 5_000, 'the consumer still following');
      expect(got.a).toHaveLength(1);
      await b.unsubscribe(c.showtimeId);
      expect(await shardSubscribers(stack.container.redis, channel)).toBe(0);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
