/**
 * Groups items that arrive one at a time (BullMQ hands a worker one job per call) into batches, so one database
 * transaction persists hundreds of orders. Each `add` resolves with its item's result once its batch has run, or
 * rejects if the batch failed — the job then fails and BullMQ retries it (at-least-once), which is why `run` must
 * be idempotent.
 */
export interface Batcher<T, R> {
  add(item: T): Promise<R>;
  /** Runs whatever is waiting now and waits for running batches. */
  flush(): Promise<void>;
  readonly pending: number;
}

export function createBatcher<T, R>(opts: {
  maxSize: number;
  /** How long the first item of a batch may wait for company. */
  maxWaitMs: number;
  run: (items: T[]) => Promise<R[]>;
}): Batcher<T, R> {
  let queue: Array<{ item: T; resolve: (r: R) => void; reject: (e: unknown) => void }> = [];
  let timer: NodeJS.Timeout | null = null;
  const running = new Set<Promise<void>>();

  const runNow = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (queue.length === 0) return;
    const batch = queue;
    queue = [];
    const p = (async () => {
      try {
        const results = await opts.run(batch.map((b) => b.item));
        batch.forEach((b, i) => b.resolve(results[i] as R));
      } catch (e) {
        for (const b of batch) b.reject(e);
      }
    })();
    running.add(p);
    void p.finally(() => running.delete(p));
  };

  return {
    add(item) {
      return new Promise<R>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        if (queue.length >= opts.maxSize) runNow();
        else timer ??= setTimeout(runNow, opts.maxWaitMs);
      });
    },
    async flush() {
      runNow();
      await Promise.allSettled([...running]);
    },
    get pending() {
      return queue.length;
    },
  };
}

/** At most `n` of the given tasks run at once (e.g. transactions, each holding a pooled connection). */
export function createSemaphore(n: number) {
  let active = 0;
  const waiting: Array<() => void> = [];
  return {
    async run<T>(task: () => Promise<T>): Promise<T> {
      if (active >= n) await new Promise<void>((resolve) => waiting.push(resolve));
      active++;
      try {
        return await task();
      } finally {
        active--;
        waiting.shift()?.();
      }
    },
  };
}
