import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { DelayedError, Worker, type Job } from 'bullmq';
import type { HoldRecord } from '../domain/hold.ts';
import type { OrdersCore } from '../orders/core.ts';
import { expiryJobAt, unscheduleExpiry, type ExpiryOutcome } from '../orders/expiry.ts';
import { cancelOrder } from '../orders/lifecycle.ts';
import { reconcileOrders, sweepExpired } from '../orders/maintenance.ts';
import { isRetryableConflict, persistHolds, pgCode, type PersistOutcome } from '../orders/persist.ts';
import { isOutage } from '../db/outage.ts';
import { createDeadLetters, type DeadLetters } from '../queue/dead-letters.ts';
import { sweepRefunds } from '../application/refunds/refund-order.ts';
import { closePaymentWindowsAskingProvider } from '../application/payments/payment-window.ts';
import type { SandboxProvider, WebhookDelivery } from '../payments/sandbox.ts';
import { createBatcher, createSemaphore } from '../queue/batcher.ts';
import { startOutboxRelay, type PersistBatch } from './outbox-relay.ts';
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

/** How often the worker checks that its repeatable maintenance jobs still exist in Redis. */
const SCHEDULE_CHECK_MS = 5_000;

/** Attempts a hold whose order fails on its own data gets before it is parked in the dead-letter list. */
const POISON_ATTEMPTS = 4;

/**
 * A failure of one hold's own order (a row it refers to is missing, a value PostgreSQL refuses, a bug): retrying
 * the batch will not cure it. Not a passing conflict (those wait for an expiry to land) nor an outage (those are
 * everybody's, and the whole job waits for the database).
 */
const isPoison = (e: Error) => !(e instanceof RetryLater) && !isOutage(e);

/**
 * Persists a batch; when the batch fails because of one of its orders — a conflict (a seat still claimed by an
 * order whose expiry has not reached PostgreSQL yet) or a hold that can never be written (a foreign key to a buyer
 * row that does not exist) — persists the orders one by one, so only that one waits and the rest commit. An outage
 * fails the whole batch at once (one by one would fail the same way).
 */
async function persistWithFallback(
  core: OrdersCore,
  holds: HoldRecord[],
): Promise<Array<PersistOutcome | Error>> {
  try {
    return await persistHolds(core.prisma, holds, await persistOptions(core, holds));
  } catch (err) {
    if (isOutage(err) || holds.length === 1) return holds.map(() => asError(err));
    const out: Array<PersistOutcome | Error> = [];
    for (const h of holds) {
      try {
        const [r] = await persistHolds(core.prisma, [h], await persistOptions(core, [h]));
        out.push(r!);
      } catch (e) {
        out.push(asError(e));
      }
    }
    return out;
  }
}

/**
 * The clock, and which of the holds already past their deadline their buyer released (a backlogged worker must
 * record those CANCELLED, not EXPIRED). Holds still live need no look-up: their release reaches the order later.
 */
async function persistOptions(core: OrdersCore, holds: HoldRecord[]) {
  const now = core.now();
  const late = holds.filter((h) => h.expiresAt <= now).map((h) => h.id);
  const endings = await core.inventory.holdEndings(late);
  return { now, released: new Set(late.filter((_, i) => endings[i] === 'released')) };
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
  const prefixOf = (queue: string) => queuePrefix(core.config.redisPrefix, queue);
  const log = core.logger.child({ module: 'workers' });
  const common: WorkerCommon = {
    connection,
    prefixOf,
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
        { connection, prefix: prefixOf(QUEUES.sandboxWebhooks), concurrency: 20 },
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
    persist: orders.persistBatch,
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

/** One queue's worker options: the shared settings and that queue's prefix. */
function workerOptions(common: WorkerCommon, queue: string) {
  const { prefixOf, ...rest } = common;
  return { ...rest, prefix: prefixOf(queue) };
}

/** What every queue's workers share: the connection, the lock settings, and how a queue's prefix is made. */
interface WorkerCommon {
  connection: OrdersCore['redis'];
  prefixOf: (queue: string) => string;
  lockDuration: number;
  stalledInterval: number;
  maxStalledCount: number;
}

/** Order persistence: relay batches and the reconciler's single holds, in batched transactions. */
function ordersWorkers(core: OrdersCore, common: WorkerCommon, log: OrdersCore['logger']) {
  const txSlots = createSemaphore(PARALLEL_BATCHES);
  const deadLetters = createDeadLetters(core.redis, core.config.redisPrefix);
  const persist = (holds: HoldRecord[]) =>
    txSlots.run(async () => {
      const t = Date.now();
      const out = await persistWithFallback(core, holds);
      log.debug({ batch: holds.length, ms: Date.now() - t }, 'orders persisted');
      const now = core.now();
      out.forEach((r, i) => {
        if (r instanceof Error || !r.created) return;
        core.om.holdToOrder.observe(Math.max(0, now - holds[i]!.createdAt) / 1000);
        core.om.orders.inc({
          outcome:
            r.status === 'PENDING'
              ? 'created'
              : r.status === 'CANCELLED'
                ? 'created_cancelled'
                : 'created_expired',
        });
      });
      return out;
    });
  // Single holds (the reconciler's) are grouped into batches too.
  const persistBatcher = createBatcher<HoldRecord, PersistOutcome | Error>({
    maxSize: core.config.orderBatchSize,
    maxWaitMs: 10,
    run: persist,
  });
  /**
   * One batch of holds: what commits is done; a hold that fails on its own data leaves the batch for a job of
   * its own (job id = hold id, as the reconciler's), retried and then dead-lettered there, so the batch's
   * retries do not wait on it; what failed for a passing reason (a conflict, an outage) is returned.
   */
  const persistBatch: PersistBatch = async (holds) => {
    const out = await persist(holds);
    const failed: HoldRecord[] = [];
    const errors: Error[] = [];
    let created = 0;
    for (let i = 0; i < holds.length; i++) {
      const r = out[i]!;
      if (!(r instanceof Error)) {
        if (r.created) created++;
      } else if (isPoison(r)) {
        await core.queues.orders.add(
          'persist',
          { kind: 'persist', hold: holds[i]! },
          { jobId: holds[i]!.id },
        );
      } else {
        failed.push(holds[i]!);
        errors.push(r);
      }
    }
    return { created, failed, error: errors.find((e) => !(e instanceof RetryLater)) ?? errors[0] };
  };
  const processOrdersJob = async (job: Job<OrdersJob>) => {
    const data = job.data;
    if (data.kind === 'persist_batch') {
      const r = await persistBatch(data.holds);
      // The whole job is retried; what was persisted is skipped next time (idempotent on the hold id).
      if (r.error) throw r.error;
      return r.created;
    }
    if (data.kind === 'persist') {
      const r = await persistBatcher.add(data.hold);
      if (r instanceof Error) {
        if (isPoison(r) && job.attemptsMade + 1 >= POISON_ATTEMPTS) {
          await parkDeadLetter(core, deadLetters, data.hold, r, job.attemptsMade + 1);
          return 'dead_lettered';
        }
        throw r;
      }
      // Written after all (its buyer row appeared, a fix was deployed): no longer the box office's concern.
      await deadLetters.clear(data.hold.id);
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
        ...workerOptions(common, QUEUES.orders),
        concurrency: Math.max(8, Math.ceil(core.config.orderBatchSize / FETCHERS)),
      }),
  );

  return { workers, persistBatch, flush: () => persistBatcher.flush() };
}

/** Parks a hold whose order could not be written: the box office's list, the metric and the log. */
async function parkDeadLetter(
  core: OrdersCore,
  deadLetters: DeadLetters,
  hold: HoldRecord,
  err: Error,
  attempts: number,
): Promise<void> {
  await deadLetters.park({
    holdId: hold.id,
    showtimeId: hold.showtimeId,
    buyerId: hold.buyerId,
    error: err.message.slice(0, 500),
    code: pgCode(err) ?? null,
    attempts,
    at: new Date(core.now()).toISOString(),
  });
  core.om.deadLettered.inc();
  core.logger.error(
    { err, holdId: hold.id, showtimeId: hold.showtimeId, attempts },
    'order could not be written; hold parked in the dead-letter list',
  );
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
        const m = await closePaymentWindowsAskingProvider(core, ids);
        return ids.map((id) => m.get(id)!);
      }),
  });
  const processExpiryJob = async (job: Job<ExpiryJob>, token?: string) => {
    const outcome = await expiryBatcher.add(job.data.holdId);
    if (outcome === 'not_due') {
      // Fired before an (extended) deadline: run again just ahead of it (a payment in flight is asked about
      // while the hold is still valid), or at it.
      const h = await core.inventory.getHold(job.data.holdId);
      if (h && h.status === 'held' && token) {
        await job.moveToDelayed(Math.max(expiryJobAt(h.expiresAt, core.now()), Date.now() + 1), token);
        throw new DelayedError();
      }
    }
    return outcome;
  };
  // A BullMQ worker fetches jobs one at a time, and with a backlog it fills all its concurrency before it starts
  // any: two workers feeding one batcher fetch in parallel and start sooner.
  const workers = Array.from(
    { length: FETCHERS },
    () =>
      new Worker<ExpiryJob>(QUEUES.expiry, processExpiryJob, {
        ...workerOptions(common, QUEUES.expiry),
        concurrency: 250,
      }),
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
          return sweepExpired(core, { close: (ids) => closePaymentWindowsAskingProvider(core, ids) });
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
    { ...workerOptions(common, QUEUES.maintenance), concurrency: 4 },
  );
  const m = core.queues.maintenance;
  const every: Record<string, number> = {
    sweep: settings.sweepIntervalMs,
    reconcile: Math.max(1000, Math.floor(settings.reconcileAfterMs / 2)),
    refunds: 10_000,
    gauge: 5_000,
  };
  for (const [name, ms] of Object.entries(every)) await m.upsertJobScheduler(name, { every: ms }, { name });
  // The schedules live in Redis: when Redis loses its data (a wipe, a restart without persistence) they are gone
  // and nothing would run them again until this process restarts. Check for them and put back what is missing.
  const ensure = async () => {
    for (const [name, ms] of Object.entries(every))
      if (!(await m.getJobScheduler(name))) {
        await m.upsertJobScheduler(name, { every: ms }, { name });
        core.logger.warn({ scheduler: name }, 'maintenance schedule was missing (Redis lost it); re-created');
      }
  };
  const timer = setInterval(() => {
    ensure().catch((err: unknown) => core.logger.warn({ err }, 'could not check the maintenance schedules'));
  }, SCHEDULE_CHECK_MS);
  timer.unref();
  worker.on('closing', () => clearInterval(timer));
  return worker;
}
