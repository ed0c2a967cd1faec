import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureRedisBinary } from '../../../scripts/lib/services.ts';
import { startOwnRedis, type OwnRedis } from '../../../scripts/lib/redis.ts';
import { freePort } from '../../../scripts/lib/cluster.ts';
import { createRedis, type SingleRedis } from '../src/db/redis.ts';
import { startTestStack, type TestStack } from './support/env.ts';
import { ordersSettled, ordersWorld, seatState, type OrdersWorld } from './support/orders-fixtures.ts';
import { waitFor } from './support/wait.ts';

/**
 * Issue 18: a Sentinel-guarded Redis. One redis-server master and one sentinel (`redis-server --sentinel`) from the
 * machine's binaries on free ports of this run's own; the node is given only REDIS_SENTINELS (+ the master's name)
 * and finds the master through the sentinel: holds are taken and read, and the worker turns them into orders. With a
 * replica beside the master, the sentinel promotes it when the master dies; the node (web and worker) follows it
 * there, goes on turning holds into orders, and stops cleanly afterwards.
 */
let MASTER_PORT: number;
let SENTINEL_PORT: number;
let REPLICA_PORT: number;

let dir: string;
let master: OwnRedis;
let replica: OwnRedis;
let sentinel: ChildProcess;
let direct: SingleRedis;
let stack: TestStack;
let w: OrdersWorld;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'seatrush-sentinel-'));
  [MASTER_PORT, SENTINEL_PORT, REPLICA_PORT] = [await freePort(), await freePort(), await freePort()];
  master = await startOwnRedis({ port: MASTER_PORT, dir: join(dir, 'master'), aof: false });
  replica = await startOwnRedis({
    port: REPLICA_PORT,
    dir: join(dir, 'replica'),
    aof: false,
    extraArgs: ['--replicaof', '127.0.0.1', String(MASTER_PORT)],
  });
  const conf = join(dir, 'sentinel.conf');
  // A sentinel rewrites its config file, so it gets one of its own.
  writeFileSync(
    conf,
    [
      `port ${SENTINEL_PORT}`,
      'bind 127.0.0.1',
      `dir ${dir}`,
      `logfile ${join(dir, 'sentinel.log')}`,
      `sentinel monitor seatrush-test 127.0.0.1 ${MASTER_PORT} 1`,
      'sentinel down-after-milliseconds seatrush-test 1000',
      'sentinel failover-timeout seatrush-test 5000',
      '',
    ].join('\n'),
  );
  sentinel = spawn(
    ensureRedisBinary(() => {}),
    [conf, '--sentinel'],
    { stdio: 'ignore' },
  );
  const probe = createRedis(`redis://127.0.0.1:${SENTINEL_PORT}`, { maxRetriesPerRequest: 1 });
  probe.on('error', () => {}); // refused until the sentinel listens
  await waitFor(
    async () => {
      try {
        const addr = (await probe.call('SENTINEL', 'get-master-addr-by-name', 'seatrush-test')) as string[];
        return addr?.[1] === String(MASTER_PORT);
      } catch {
        return false;
      }
    },
    15_000,
    'the sentinel to know its master',
  );
  probe.disconnect();
  direct = createRedis(master.url);
  direct.on('error', () => {}); // the failover test kills this master
});

/** A node (web, and the worker when asked) that is given only the sentinel. */
async function sentinelStack(worker: boolean): Promise<void> {
  stack = await startTestStack({
    worker,
    env: {
      REDIS_CLUSTER_NODES: '',
      REDIS_URL: 'redis://127.0.0.1:1', // nothing listens there: only the sentinel can lead to Redis
      REDIS_SENTINELS: `127.0.0.1:${SENTINEL_PORT}`,
      REDIS_SENTINEL_MASTER: 'seatrush-test',
    },
  });
  w = await ordersWorld(stack, { holdTtlSeconds: 600, buyers: 1 });
}

afterAll(async () => {
  direct?.disconnect();
  sentinel?.kill('SIGTERM');
  await Promise.allSettled([master?.stop(), replica?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

describe('a Sentinel-guarded Redis (REDIS_SENTINELS)', () => {
  beforeAll(() => sentinelStack(true));
  afterAll(() => stack?.close());

  it('connects through the sentinel to its master', async () => {
    expect(stack.config.redis).toMatchObject({
      kind: 'sentinel',
      masterName: 'seatrush-test',
      sentinels: [{ host: '127.0.0.1', port: SENTINEL_PORT }],
    });
    expect((await fetch(`${stack.node.metricsUrl}/readyz`)).status).toBe(200);
    // The node's keys are on the master the sentinel named.
    const keys = await direct.scan('0', 'MATCH', `${stack.config.redisPrefix}:*`, 'COUNT', 10_000);
    expect(keys[1].length).toBeGreaterThan(0);
  });

  it('takes and reads holds, and the worker turns them into orders', async () => {
    const buyerId = w.buyers[0]!.id;
    const h = await w.inv.hold(w.f.showtimeId, { buyerId, requestId: 'sentinel-1', seats: ['A-1-1'] });
    expect(await seatState(w, 'A-1-1')).toBe(1);
    await ordersSettled(w, [h.holdId]);
    const order = await stack.container.prisma.order.findUnique({ where: { holdId: h.holdId } });
    expect(order?.status).toBe('PENDING');
  });
});

describe('a Sentinel failover', () => {
  let stopped = false;
  beforeAll(() => sentinelStack(true));
  afterAll(() => (stopped ? undefined : stack?.close()));

  it('follows the master through a failover: the sentinel promotes the replica, holds go on there', async () => {
    const buyerId = w.buyers[0]!.id;
    await w.inv.hold(w.f.showtimeId, { buyerId, requestId: 'sentinel-before', seats: ['A-1-2'] });
    // The replica has everything so far (WAIT: one replica acknowledged the writes).
    expect(await direct.call('WAIT', '1', '5000')).toBe(1);
    await master.kill();
    const sentinelClient = createRedis(`redis://127.0.0.1:${SENTINEL_PORT}`);
    try {
      await waitFor(
        async () =>
          (
            (await sentinelClient.call('SENTINEL', 'get-master-addr-by-name', 'seatrush-test')) as string[]
          )[1] === String(REPLICA_PORT),
        30_000,
        'the sentinel to promote the replica',
      );
    } finally {
      sentinelClient.disconnect();
    }
    // The node reconnects through the sentinel to the new master: a new hold is taken there, the old one is kept.
    const h = await waitFor(
      () =>
        w.inv
          .hold(w.f.showtimeId, { buyerId, requestId: 'sentinel-after', seats: ['A-1-3'] })
          .catch(() => null),
      30_000,
      'a hold on the promoted master',
    );
    expect(h.holdId).toBeTruthy();
    expect(await seatState(w, 'A-1-2')).toBe(1);
    expect(await seatState(w, 'A-1-3')).toBe(1);
    // The worker role followed too: the hold taken on the promoted master becomes an order.
    await ordersSettled(w, [h.holdId]);
    const promoted = createRedis(replica.url);
    try {
      expect(await promoted.call('ROLE')).toEqual(expect.arrayContaining(['master']));
    } finally {
      promoted.disconnect();
    }
  });

  it('stops the worker node cleanly after the failover', async () => {
    // Its BullMQ workers' blocking connections may be between two reconnect attempts here: closing them used to
    // wait forever (db/redis.ts, ServerClient).
    await stack.close();
    stopped = true;
  });
});
