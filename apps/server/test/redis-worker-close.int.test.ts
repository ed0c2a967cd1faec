import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../scripts/lib/cluster.ts';
import { startOwnRedis, type OwnRedis } from '../../../scripts/lib/redis.ts';
import { createRedis, type SingleRedis } from '../src/db/redis.ts';
import { waitFor } from './support/wait.ts';

/**
 * Issue 18: the worker role's stop hung after a Sentinel failover. A BullMQ worker's close() disconnects its
 * blocking connection and waits for it to end; ioredis never ends a client that is waiting to reconnect when it is
 * told to disconnect (redis/ioredis#1247), so a worker closed while its blocking connection was between two
 * reconnect attempts never finished closing. A Redis of this file's own is killed under a worker on a connection
 * of `db/redis.ts` (with a reconnect delay long enough that the blocking connection is surely waiting), the worker
 * is closed, and the Redis comes back: close() returns. Before the fix it did not (the test's timeout).
 */
let dir: string;
let redis: OwnRedis;
let connection: SingleRedis;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'seatrush-worker-close-'));
  redis = await startOwnRedis({ port: await freePort(), dir, aof: false });
  connection = createRedis(redis.url, { retryStrategy: () => 1500 });
  connection.on('error', () => {});
});

afterAll(async () => {
  connection?.disconnect();
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The worker's blocking connection's status (BullMQ internals: only this test looks there). */
function blockingStatus(worker: Worker): string | undefined {
  const internals = worker as unknown as {
    backend?: { blockingConnection?: { _client?: { status?: string } } };
  };
  return internals.backend?.blockingConnection?._client?.status;
}

describe('closing a BullMQ worker on a db/redis.ts connection', () => {
  it('returns when its blocking connection was waiting to reconnect', async () => {
    const worker = new Worker('close-test', () => Promise.resolve('done'), {
      connection,
      prefix: 'worker-close',
      drainDelay: 1,
    });
    worker.on('error', () => {});
    await worker.waitUntilReady();
    await waitFor(() => blockingStatus(worker) === 'ready', 10_000, 'the blocking connection');

    await redis.kill();
    await waitFor(() => blockingStatus(worker) === 'reconnecting', 10_000, 'the blocking connection to wait');
    const closed = worker.close();
    await redis.restart();
    await closed;
    expect(worker.isRunning()).toBe(false);
    expect(blockingStatus(worker)).toBe('end');
  }, 20_000);
});
