import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { DelayedError, Worker, type Job } from 'bullmq';
import type { HoldRecord } from '../domain/hold.ts';
import type { OrdersCore } from '../orders/core.ts';
import { closePaymentWindows, unscheduleExpiry, type ExpiryOutcome } from '../orders/expiry.ts';
import { cancelOrder } from '../orders/lifecycle.ts';
import { reconcileOrders, sweepExpired } from '../orders/maintenance.ts';
import { isRetryableConflict, persistHolds, type PersistOutcome } from '../orders/persist.ts';
import { sweepRefunds } from '../application/refunds/refund-order.ts';
import type { SandboxProvider, WebhookDelivery } from '../payments/sandbox.ts';
import { createBatcher, createSemaphore } from '../queue/batcher.ts';
import { startOutboxRelay } from './outbox-relay.ts';
import { QUEUES, queuePrefix, type ExpiryJob, type OrdersJob } from '../queue/queues.ts';

export interface WorkerSettings {
  /** BullMQ lock of a job; a SIGKILLed worker's jobs are retried after it (and its outbox entries claimed). */
  lockMs: number;
  sweepIntervalMs: number;
  reconcileAfterMs: number;
}

/** Order transactions one worker process runs at once (each holds a pooled database connection). */
const PARALLEL_BATCHES = 3;
/** BullMQ workers per queue in one process (see the expiry workers). */
const FETCHERS = 2;

/** Why a job was sent back for a retry (BullMQ logs the message). */
class RetryLater extends Error {}

/**
 * Persists a batch; when the batch fails on a conflict that one of its orders causes (a seat still claimed by an
 * order whose expiry has not reached PostgreSQL yet), persists the orders one by one so only that one waits.
 */
async function persistWithFallback(
  core: OrdersCore,
  holds: HoldRecord[],
): Promise<Array<PersistOutcome | Error>> {
  try {
    return await persistHolds(core.prisma, holds, { now: core.now() });
  } catch (err) {
    if (!isRetryableConflict(err) || holds.length === 1) return holds.map(() => asError(err));
    const out: Array<PersistOutcome | Error> = [];
    for (const h of holds) {
      try {
        const [r] = await persistHolds(core.prisma, [h], { now: core.now() });
        out.push(r!);
      } catch (e) {
        out.push(asError(e));
      }
    }
    return out;
  }
}

const asError = (e: unknown) =>
  e instanceof Error
    ? isRetryableConflict(e)
      ? new RetryLater(`conflict, retrying: ${e.message}`)
      : e
    : new Error(String(e));

export interface RunningWorkers {
  stop(): Promise<void>;
}

/**
 * The worker role: order persistence (batched), the payment window (delayed expiry jobs, batched), the outbox
 * relay, the repeatable sweeper / reconciler / refund retrier / queue-depth gauge, and the sandbox provider's
 * webhook deliveries. Several worker processes may run; every handler is idempotent (at-least-once delivery).
 */
export async function startWorkers(
  core: OrdersCore,
  settings: WorkerSettings,
  sandbox: SandboxProvider | null,
): Promise<RunningWorkers> {
  const connection = core.redis;
  const prefix = queuePrefix(core.config.redisPrefix);
  const log = core.logger.child({ module: 'workers' });
  const common: WorkerCommon = {
    connection,
    prefix,
    lockDuration: settings.lockMs,
    stalledInterval: Math.max(1000, Math.floor(settings.lockMs / 2)),
    maxStalledCount: 10,
  };

  const orders = ordersWorkers(core, common, log);
  const expiry = expiryWorkers(core, common);
  const maintenance = await maintenanceWorker(core, settings, common);

  const workers: Worker[] = [...orders.workers, ...expiry.workers, maintenance];
  if (sandbox) {
    workers.push(
      new Worker<WebhookDelivery>(
        QUEUES.sandboxWebhooks,
        (job: Job<WebhookDelivery>) => sandbox.deliver(job.data, core.config.paymentWebhookSecret),
        { connection, prefix, concurrency: 20 },
      ),
    );
  }
  for (const w of workers)
    w.on('failed', (job, err) => {
      if (err instanceof RetryLater || err.name === 'DelayedError') return;
      log.warn({ err, queue: w.name, jobId: job?.id, attempts: job?.attemptsMade }, 'job failed');
    });
  for (const w of workers) w.on('error', (err) => log.error({ err, queue: w.name }, 'worker error'));

  const relay = startOutboxRelay(core, {
    consumer: `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`,
    claimIdleMs: settings.lockMs,
  });
  log.info('order workers started');

  return {
    async stop() {
      await relay.stop();
      await Promise.allSettled(workers.map((w) => w.close()));
      await Promise.allSettled([orders.flush(), expiry.flush()]);
    },
  };
}

/** What every queue's workers share: the connection, the prefix and the lock settings. */
interface WorkerCommon {
  connection: OrdersCore['redis'];
  prefix: string;
  lockDuration: number;
  stalledInterval: number;
  maxStalledCount: number;
}

/** Order persistence: relay batches and the reconciler's single holds, in batched transactions. */
function ordersWorkers(core: OrdersCore, common: WorkerCommon, log: OrdersCore['logger']) {
  const txSlots = createSemaphore(PARALLEL_BATCHES);
  const persist = (holds: HoldRecord[]) =>
    txSlots.run(async () => {
      const t = Date.now();
      const out = await persistWithFallback(core, holds);
      log.debug({ batch: holds.length, ms: Date.now() - t }, 'orders persisted');
      const now = core.now();
      out.forEach((r, i) => {
        if (r instanceof Error || !r.created) return;
        core.om.holdToOrder.observe(Math.max(0, now - holds[i]!.createdAt) / 1000);
        core.om.orders.inc({ outcome: r.status === 'PENDING' ? 'created' : 'created_expired' });
      });
      return out;
    });
  // Single holds (the reconciler's) are grouped into batches too.
  const persistBatcher = createBatcher<HoldRecord, PersistOutcome | Error>({
    maxSize: core.config.orderBatchSize,
    maxWaitMs: 10,
    run: persist,
  });
  const processOrdersJob = async (job: Job<OrdersJob>) => {
    const data = job.data;
    if (data.kind === 'persist_batch') {
      const out = await persist(data.holds);
      const failed = out.filter((r): r is Error => r instanceof Error);
      // The whole job is retried; what was persisted is skipped next time (idempotent on the hold id).
      if (failed.length) throw failed.find((e) => !(e instanceof RetryLater)) ?? failed[0]!;
      return out.filter((r) => !(r instanceof Error) && r.created).length;
    }
    if (data.kind === 'persist') {
      const r = await persistBatcher.add(data.hold);
      if (r instanceof Error) throw r;
      return r.status;
    }
    const r = await cancelOrder(core.prisma, data.holdId, 'system');
    if (r.outcome === 'missing') throw new RetryLater('order not persisted yet');
    for (const p of r.canceledPayments) await core.provider.cancel(p.providerRef).catch(() => undefined);
    if (r.outcome === 'cancelled') {
      core.om.orders.inc({ outcome: 'cancelled' });
      await unscheduleExpiry(core, data.holdId);
    }
    return r.outcome;
  };
  // Relay batches arrive as one job each; single-hold jobs (reconciler) wait in the batcher for company, so a
  // worker needs room for a batch of them.
  const workers = Array.from(
    { length: FETCHERS },
    () =>
      new Worker<OrdersJob>(QUEUES.orders, processOrdersJob, {
        ...common,
        concurrency: Math.max(8, Math.ceil(core.config.orderBatchSize / FETCHERS)),
      }),
  );

  return { workers, flush: () => persistBatcher.flush() };
}

/** The payment window: delayed expiry jobs, closed in batches. */
function expiryWorkers(core: OrdersCore, common: WorkerCommon) {
  // Deadlines arrive one job at a time: a short wait gathers them, and a cap on concurrent batches keeps a burst
  // from turning into a queue for database connections.
  const expirySlots = createSemaphore(2);
  const expiryBatcher = createBatcher<string, ExpiryOutcome>({
    maxSize: 500,
    maxWaitMs: 10,
    run: (ids) =>
      expirySlots.run(async () => {
        const m = await closePaymentWindows(core, ids);
        return ids.map((id) => m.get(id)!);
      }),
  });
  const processExpiryJob = async (job: Job<ExpiryJob>, token?: string) => {
    const outcome = await expiryBatcher.add(job.data.holdId);
    if (outcome === 'not_due') {
      // Fired before an extended deadline: wait for the new one.
      const h = await core.inventory.getHold(job.data.holdId);
      if (h && h.status === 'held' && token) {
        await job.moveToDelayed(Math.max(h.expiresAt, Date.now() + 1), token);
        throw new DelayedError();
      }
    }
    return outcome;
  };
  // A BullMQ worker fetches jobs one at a time, and with a backlog it fills all its concurrency before it starts
  // any: two workers feeding one batcher fetch in parallel and start sooner.
  const workers = Array.from(
    { length: FETCHERS },
    () => new Worker<ExpiryJob>(QUEUES.expiry, processExpiryJob, { ...common, concurrency: 250 }),
  );

  return { workers, flush: () => expiryBatcher.flush() };
}

/** The repeatable jobs: expiry sweeper, reconciler, refund retrier and the queue-depth gauge. */
async function maintenanceWorker(core: OrdersCore, settings: WorkerSettings, common: WorkerCommon) {
  const worker = new Worker(
    QUEUES.maintenance,
    async (job: Job) => {
      switch (job.name) {
        case 'sweep':
          return sweepExpired(core);
        case 'reconcile':
          return reconcileOrders(core, settings.reconcileAfterMs);
        case 'refunds':
          return sweepRefunds(core);
        case 'gauge': {
          for (const q of [core.queues.orders, core.queues.expiry, core.queues.sandboxWebhooks]) {
            const c = await q.getJobCounts('waiting', 'active', 'delayed');
            core.metrics.queueDepth.set({ queue: q.name }, (c.waiting ?? 0) + (c.active ?? 0));
            core.metrics.queueDepth.set({ queue: `${q.name}:delayed` }, c.delayed ?? 0);
          }
          return null;
        }
        default:
          return null;
      }
    },
    { ...common, concurrency: 4 },
  );
  const m = core.queues.maintenance;
  await m.upsertJobScheduler('sweep', { every: settings.sweepIntervalMs }, { name: 'sweep' });
  await m.upsertJobScheduler(
    'reconcile',
    { every: Math.max(1000, Math.floor(settings.reconcileAfterMs / 2)) },
    { name: 'reconcile' },
  );
  await m.upsertJobScheduler('refunds', { every: 10_000 }, { name: 'refunds' });
  await m.upsertJobScheduler('gauge', { every: 5_000 }, { name: 'gauge' });

  return worker;
}
