import { Buyer, type Counters } from './buyer.ts';
import { seededRandom } from './curve.ts';
import type { BuyerRecord, WorkerMessage, WorkerPlan } from './model.ts';

/**
 * A rehearsal worker process (forked by run.ts): runs its share of the crowd — each buyer starts at its arrival
 * time, at most `concurrency` journeys at once (later arrivals wait for a slot, as a browser's connection would) —
 * reports counters every 250 ms and sends the records when done.
 */

const send = (m: WorkerMessage) =>
  new Promise<void>((resolve, reject) => process.send!(m, undefined, {}, (e) => (e ? reject(e) : resolve())));

async function runPlan(plan: WorkerPlan): Promise<void> {
  const counters: Counters = { holds: 0, orders: 0, tickets: 0, errors: 0, done: 0 };
  let last = { ...counters };
  const ticker = setInterval(() => {
    const d = {
      holds: counters.holds - last.holds,
      orders: counters.orders - last.orders,
      tickets: counters.tickets - last.tickets,
      errors: counters.errors - last.errors,
      done: counters.done - last.done,
    };
    last = { ...counters };
    process.send!({ type: 'tick', ...d } satisfies WorkerMessage);
  }, 250);
  const records: BuyerRecord[] = [];
  let active = 0;
  const waiting: Array<() => void> = [];
  const slot = async () => {
    if (active >= plan.concurrency) await new Promise<void>((r) => waiting.push(r));
    active++;
  };
  const free = () => {
    active--;
    waiting.shift()?.();
  };
  const journeys: Promise<void>[] = [];
  for (const [rank, offset] of plan.buyers) {
    const wait = plan.startAt + offset - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    await slot();
    const buyer = new Buyer(plan, rank, seededRandom(plan.seed * 7919 + rank), counters);
    buyer.record.arrivedAt = plan.startAt + offset;
    journeys.push(
      buyer.run().then((r) => {
        records.push(r);
        free();
      }),
    );
  }
  await Promise.all(journeys);
  clearInterval(ticker);
  const d = {
    holds: counters.holds - last.holds,
    orders: counters.orders - last.orders,
    tickets: counters.tickets - last.tickets,
    errors: counters.errors - last.errors,
    done: counters.done - last.done,
  };
  await send({ type: 'tick', ...d });
  for (let i = 0; i < records.length; i += 2000)
    await send({ type: 'records', records: records.slice(i, i + 2000) });
  await send({ type: 'done' });
}

process.once('message', (plan: WorkerPlan) => {
  runPlan(plan).then(
    () => process.disconnect(),
    async (e: unknown) => {
      await send({ type: 'failed', message: (e as Error).message });
      process.disconnect();
    },
  );
});
