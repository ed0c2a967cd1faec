import { describe, expect, it } from 'vitest';
import { createBatcher } from './batcher.ts';

describe('batcher', () => {
  it('groups items up to maxSize and answers each with its own result', async () => {
    const batches: number[][] = [];
    const b = createBatcher<number, number>({
      maxSize: 3,
      maxWaitMs: 5,
      run: (items) => {
        batches.push(items);
        return Promise.resolve(items.map((i) => i * 10));
      },
    });
    const results = await Promise.all([1, 2, 3, 4, 5].map((i) => b.add(i)));
    expect(results).toEqual([10, 20, 30, 40, 50]);
    expect(batches).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
  });

  it('rejects every item of a failed batch', async () => {
    const b = createBatcher<number, number>({
      maxSize: 10,
      maxWaitMs: 1,
      run: () => Promise.reject(new Error('db down')),
    });
    const r = await Promise.allSettled([b.add(1), b.add(2)]);
    expect(r.map((x) => x.status)).toEqual(['rejected', 'rejected']);
  });

  it('flush runs a partial batch at once', async () => {
    const b = createBatcher<number, number>({
      maxSize: 10,
      maxWaitMs: 60_000,
      run: (i) => Promise.resolve(i),
    });
    const p = b.add(7);
    expect(b.pending).toBe(1);
    await b.flush();
    await expect(p).resolves.toBe(7);
  });
});
