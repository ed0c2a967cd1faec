import { describe, expect, it } from 'vitest';
import { bucketCounts, distribution, percentile, sample } from './stats.ts';

describe('stats', () => {
  it('takes nearest-rank percentiles', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(xs, 50)).toBe(50);
    expect(percentile(xs, 99)).toBe(99);
    expect(percentile(xs, 100)).toBe(100);
    expect(percentile([], 50)).toBeNull();
    expect(distribution([5, 1, 3])).toEqual({ count: 3, p50: 3, p90: 5, p99: 5, max: 5, mean: 3 });
  });

  it('counts events per bucket from the origin, padded', () => {
    expect(bucketCounts([1000, 1500, 2999, 500], 1000, 1000, 4)).toEqual([3, 1, 0, 0]); // 500 is before the origin: bucket 0
    expect(bucketCounts([1000, 2000], 1000, 1000, 0, [3, 4])).toEqual([3, 4]);
  });

  it('samples evenly, keeping the ends', () => {
    expect(sample([1, 2, 3, 4, 5, 6, 7, 8, 9], 3)).toEqual([1, 5, 9]);
    expect(sample([1, 2], 5)).toEqual([1, 2]);
  });
});
