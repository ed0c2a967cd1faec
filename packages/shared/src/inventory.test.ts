import { describe, expect, it } from 'vitest';
import { counterSaleBodySchema } from './box-office.ts';
import { holdRequestSchema } from './inventory.ts';
import { socketHoldCreateSchema } from './realtime-holds.ts';

const issues = (r: {
  success: boolean;
  error?: { issues: Array<{ path: PropertyKey[]; message: string }> };
}) => r.error?.issues.map((i) => [i.path.join('.'), i.message]) ?? [];

describe('holdRequestSchema', () => {
  it('accepts exactly one of seats, a zone and quantity, or best', () => {
    expect(holdRequestSchema.parse({ seats: ['A-1-1'] })).toEqual({ seats: ['A-1-1'] });
    expect(holdRequestSchema.parse({ zone: 'FLOOR', quantity: 2 })).toEqual({ zone: 'FLOOR', quantity: 2 });
    expect(holdRequestSchema.parse({ best: { category: 'premium', quantity: 3 } })).toEqual({
      best: { category: 'premium', quantity: 3 },
    });
    expect(issues(holdRequestSchema.safeParse({}))).toEqual([
      ['', 'Send seats, a zone and a quantity, or best: { category, quantity }.'],
    ]);
    expect(issues(holdRequestSchema.safeParse({ seats: ['A-1-1'], zone: 'FLOOR', quantity: 1 }))).toEqual([
      ['', 'Send either seats or a zone and quantity, not both.'],
    ]);
    for (const extra of [{ seats: ['A-1-1'] }, { zone: 'FLOOR' }, { quantity: 2 }])
      expect(
        issues(holdRequestSchema.safeParse({ best: { category: 'premium', quantity: 2 }, ...extra })),
      ).toEqual([['', 'Send best on its own: best picks the seats, so leave out seats, zone and quantity.']]);
  });

  it('checks best strictly, with messages that say what to send', () => {
    const bad = (best: unknown) => issues(holdRequestSchema.safeParse({ best }));
    expect(bad({ category: 'premium', quantity: 0 })).toEqual([
      ['best.quantity', 'Ask for at least 1 seat.'],
    ]);
    expect(bad({ category: 'premium', quantity: 51 })).toEqual([
      ['best.quantity', 'Ask for at most 50 seats at once.'],
    ]);
    expect(bad({ category: 'premium', quantity: 1.5 })).toEqual([
      ['best.quantity', 'Give the number of seats as a whole number.'],
    ]);
    expect(bad({ quantity: 2 })).toEqual([['best.category', 'Name the price category, e.g. "premium".']]);
    expect(bad({ category: 'pre-mium', quantity: 2 })).toEqual([
      ['best.category', 'Use the category key from the seat map, e.g. "premium".'],
    ]);
    expect(bad({ category: 'premium', quantity: 2, row: 'A' })).toEqual([
      ['best', 'Unrecognized key: "row"'],
    ]);
  });

  it('carries best over the socket, and the counter sale refuses it with a clear message', () => {
    expect(
      socketHoldCreateSchema.parse({
        showtimeId: 'st1',
        requestId: 'r1',
        best: { category: 'std', quantity: 2 },
      }),
    ).toEqual({ showtimeId: 'st1', requestId: 'r1', best: { category: 'std', quantity: 2 } });
    expect(
      issues(counterSaleBodySchema.safeParse({ best: { category: 'std', quantity: 2 }, method: 'cash' })),
    ).toEqual([
      ['best', 'Best available is not offered at the counter: name the seats, or a zone and a quantity.'],
    ]);
    expect(counterSaleBodySchema.safeParse({ seats: ['A-1-1'], method: 'cash' }).success).toBe(true);
  });
});
