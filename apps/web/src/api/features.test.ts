import { describe, expect, it } from 'vitest';
import { features } from './features.ts';

describe('features', () => {
  it('offers best available: the shared hold contract accepts { best: { category, quantity } }', () => {
    expect(features.bestAvailable).toBe(true);
  });
});
