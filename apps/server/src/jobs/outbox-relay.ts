import type { HoldRecord } from '../domain/hold.ts';
import type { OutboxEntry } from '../inventory/outbox.ts';
import type { OrdersCore } from '../orders/core.ts';
import type { ExpiryJob, OrdersJob } from '../queue/queues.ts';

type Entry = OutboxEntry;

/** Persists a batch of holds' orders: how many were created, and those left for a retry (with why). */
export type PersistBatch = (
  holds: HoldRecord[],
) => Promise<{ created: number; failed: HoldRecord[]; error: Error | undefined }>;

export interface RelayOptions {
  /**
   * Writes a read's holds straight away (the worker's order transactions). What it leaves (an outage, a passing
   * conflict) goes to the orders queue as a `persist_batch` job, retried there. Without it every read becomes a job.
   */
  persist?: PersistBatch;
  /** Unique per process: pending entries are owned by a consumer. */
  consumer: string;
  /** Entries another consumer read but did not acknowledge for this long are taken over (it died). */
  claimIdleMs: number;
  /** Entries read per stream per round. */
  count?: number;
  /** Pause when every outbox is empty. */
  idleMs?: number;
}

export interface Relay {
  stop(): Promise<void>;
  /** Runs one round now (tests). Returns the number of entries relayed. */
  tick(): Promise<number>;
}

/**
 * The relay half of the transactional outbox: the hold script appends each hold (and each release / expiry) to
 * its showtime's outbox in the same atomic step as the deduction; the relay reads it (inventory/outbox.ts) as one
 * consumer of a group, writes the holds' orders at once (`persist`: one transaction per showtime per read; what
 * could not be written becomes one persistence job, its id naming the entries), adds one cancel job per release
 * and one expire job per hold the hold script ended, and acknowledges (and deletes) the entries only after
 * that, so a re-read never makes second jobs for them (and a second write of an order is a no-op: persistence is
 * idempotent on the hold id). A relay that dies between read and ack leaves its entries pending; another relay
 * claims them after `claimIdleMs`. Whatever slips through anyway (a crash between hold and outbox cannot happen —
 * they are one script — but Redis can lose an unpersisted entry) is found by the reconciler.
 *
 * Writing in the relay instead of through a job per read saves the copy of every hold into BullMQ and back (a
 * quarter of the worker's CPU per hold, bench/orders) and a queue hop of latency; the queue stays the retry path.
 */
export function startOutboxRelay(core: OrdersCore, opts: RelayOptions): Relay {
  const count = opts.count ?? core.config.orderBatchSize;
  const idleMs = opts.idleMs ?? 15;
  const outbox = core.inventory.outboxReader({
    consumer: opts.consumer,
    claimIdleMs: opts.claimIdleMs,
    count,
  });
  let stopped = false;

  async function relay(entries: Entry[]): Promise<void> {
    const orders: Array<{ name: string; data: OrdersJob; opts: { jobId: string } }> = [];
    const expiry: Array<{ name: string; data: ExpiryJob; opts: { jobId: string; delay: number } }> = [];
    const batches = new Map<
      string,
      { holds: HoldRecord[]; first: string; last: string; showtimeId: string }
    >();
    for (const e of entries) {
      const holdId = e.fields.holdId;
      if (!holdId) continue;
      if (e.fields.type === 'hold' && e.fields.payload) {
        let hold: HoldRecord;
        try {
          hold = JSON.parse(e.fields.payload) as HoldRecord;
          if (!Array.isArray(hold.items)) hold.items = [];
        } catch (err) {
          core.logger.error({ err, holdId }, 'unreadable outbox entry');
          continue;
        }
        // No job per hold for its deadline: the sweeper ends due holds in batches (orders/maintenance.ts), and a
        // hold whose payment starts gets its own expiry job then (checkout: the provider is asked before the
        // deadline). At thousands of holds a second a delayed job each was most of the worker's work.
        const b = batches.get(e.stream) ?? { holds: [], first: e.id, last: e.id, showtimeId: e.showtimeId };
        b.holds.push(hold);
        b.last = e.id;
        batches.set(e.stream, b);
      } else if (e.fields.type === 'released') {
        orders.push({
          name: 'cancel',
          data: { kind: 'cancel', holdId, showtimeId: e.showtimeId },
          opts: { jobId: `cancel.${holdId}` },
        });
      } else if (e.fields.type === 'expired') {
        // The hold script ended a due hold itself (to free its stock): its order's half of the expiry.
        expiry.push({
          name: 'expire',
          data: { holdId, showtimeId: e.showtimeId },
          opts: { jobId: holdId, delay: 0 },
        });
      }
    }
    // Written now where it can be; otherwise one persistence job per showtime per read (BullMQ costs about a
    // millisecond of worker time per job, too much to spend per hold). Its id names the entries, so a re-read is
    // deduplicated.
    const left = await Promise.all(
      [...batches.values()].map(async (b) => {
        if (!opts.persist) return b;
        const r = await opts.persist(b.holds).catch((err: unknown) => {
          core.logger.warn({ err, showtimeId: b.showtimeId }, 'orders not written by the relay; queued');
          return { failed: b.holds };
        });
        return r.failed.length ? { ...b, holds: r.failed } : null;
      }),
    );
    for (const b of left)
      if (b)
        orders.unshift({
          name: 'persist_batch',
          data: { kind: 'persist_batch', holds: b.holds },
          opts: { jobId: `hb.${b.showtimeId}.${b.first}.${b.last}` },
        });
    if (orders.length) await core.queues.orders.addBulk(orders);
    if (expiry.length) await core.queues.expiry.addBulk(expiry);
    await outbox.ack(entries);
  }

  async function tick(): Promise<number> {
    const entries = await outbox.read();
    if (entries.length) await relay(entries);
    return entries.length;
  }

  // Two rounds in flight: one reads while the other waits for its jobs to be added. XREADGROUP `>` hands each
  // entry to one read only, so the rounds never overlap.
  const loop = Promise.all(
    [0, 1].map(async () => {
      while (!stopped) {
        try {
          const n = await tick();
          if (n === 0) await new Promise((r) => setTimeout(r, idleMs));
        } catch (err) {
          core.logger.error({ err }, 'outbox relay round failed');
          await new Promise((r) => setTimeout(r, 500));
        }
      }
    }),
  );

  return {
    tick,
    async stop() {
      stopped = true;
      await loop;
    },
  };
}
