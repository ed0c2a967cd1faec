import { describe, expect, it } from 'vitest';
import { createScriptBatches } from './script-batches.ts';

/** A script call that the test answers by hand, so what is in flight is visible. */
function harness(inFlight = 2, maxBatch = 3) {
  const calls: Array<{ key: string; items: number[]; answer: () => void; fail: (e: Error) => void }> = [];
  const batches = createScriptBatches<number, string>({
    inFlight,
    maxBatch,
    send: (key, items) =>
      new Promise((resolve, reject) => {
        calls.push({
          key,
          items: [...items],
          answer: () => resolve(items.map((i) => `${key}:${i}`)),
          fail: reject,
        });
      }),
  });
  return { batches, calls };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('script batches', () => {
  it('sends at once when idle, and batches what arrives while calls are in flight, in order', async () => {
    const { batches, calls } = harness();
    const results = [1, 2, 3, 4, 5, 6, 7].map((i) => batches.submit('st1', i));
    await tick();
    // Two calls in flight (the first two items, one each); the rest wait for a slot.
    expect(calls.map((c) => c.items)).toEqual([[1], [2]]);
    calls[0]!.answer();
    await tick();
    expect(calls.map((c) => c.items)).toEqual([[1], [2], [3, 4, 5]]);
    calls[1]!.answer();
    calls[2]!.answer();
    await tick();
    expect(calls.map((c) => c.items)).toEqual([[1], [2], [3, 4, 5], [6, 7]]);
    calls[3]!.answer();
    expect(await Promise.all(results)).toEqual([1, 2, 3, 4, 5, 6, 7].map((i) => `st1:${i}`));
  });

  it('keeps keys apart', async () => {
    const { batches, calls } = harness(1);
    const a = batches.submit('a', 1);
    const b = batches.submit('b', 2);
    await tick();
    expect(calls.map((c) => [c.key, c.items])).toEqual([
      ['a', [1]],
      ['b', [2]],
    ]);
    for (const c of calls) c.answer();
    expect([await a, await b]).toEqual(['a:1', 'b:2']);
  });

  it('rejects every item of a failed batch, and goes on with the next', async () => {
    const { batches, calls } = harness(1);
    const first = batches.submit('st', 1);
    const second = batches.submit('st', 2);
    const third = batches.submit('st', 3);
    await tick();
    calls[0]!.fail(new Error('redis down'));
    await expect(first).rejects.toThrow('redis down');
    await tick();
    expect(calls[1]!.items).toEqual([2, 3]);
    calls[1]!.fail(new Error('still down'));
    await expect(second).rejects.toThrow('still down');
    await expect(third).rejects.toThrow('still down');
    const fourth = batches.submit('st', 4);
    await tick();
    calls[2]!.answer();
    expect(await fourth).toBe('st:4');
  });
});
