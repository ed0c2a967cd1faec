/**
 * Batches of one Lua script's calls, per key (a showtime): at most `inFlight` script calls per key are in flight
 * from this node, and whatever arrives meanwhile goes together in the next call, up to `maxBatch` items. A quiet
 * node sends each item at once (no timer, no added latency); in a rush one call carries many, and Redis pays the
 * per-call costs once per batch. Calls of one key leave in submission order on one connection, so Redis runs the
 * items in the order they were submitted — what a script that decides its items one by one needs to behave
 * exactly as separate calls in that order would (the hold path's holds, the waiting room's joins).
 */
export interface ScriptBatches<T, R> {
  /** Sends `item` with the next batch of `key`; resolves with its own result, rejects if the batch failed. */
  submit(key: string, item: T): Promise<R>;
}

interface Job<T, R> {
  item: T;
  resolve(r: R): void;
  reject(err: unknown): void;
}
interface Batch<T, R> {
  queue: Array<Job<T, R>>;
  inFlight: number;
}

export function createScriptBatches<T, R>(opts: {
  inFlight: number;
  maxBatch: number;
  /** One script call for the batch: one result per item, in order. */
  send: (key: string, items: readonly T[]) => Promise<readonly R[]>;
}): ScriptBatches<T, R> {
  const batches = new Map<string, Batch<T, R>>();

  const pump = (key: string, b: Batch<T, R>): void => {
    while (b.inFlight < opts.inFlight && b.queue.length) {
      const jobs = b.queue.splice(0, opts.maxBatch);
      b.inFlight++;
      void run(key, jobs).finally(() => {
        b.inFlight--;
        if (b.queue.length) pump(key, b);
        else if (!b.inFlight) batches.delete(key);
      });
    }
  };

  const run = async (key: string, jobs: Array<Job<T, R>>): Promise<void> => {
    try {
      const results = await opts.send(
        key,
        jobs.map((j) => j.item),
      );
      for (let i = 0; i < jobs.length; i++) jobs[i]!.resolve(results[i] as R);
    } catch (err) {
      for (const j of jobs) j.reject(err);
    }
  };

  return {
    submit(key, item) {
      return new Promise<R>((resolve, reject) => {
        let b = batches.get(key);
        if (!b) batches.set(key, (b = { queue: [], inFlight: 0 }));
        b.queue.push({ item, resolve, reject });
        pump(key, b);
      });
    },
  };
}
