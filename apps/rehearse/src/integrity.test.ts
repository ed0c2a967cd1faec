import { describe, expect, it } from 'vitest';
import { evaluateIntegrity, parseCsv, type IntegrityFacts } from './integrity.ts';

const facts = (over: Partial<IntegrityFacts> = {}): IntegrityFacts => ({
  capacity: 10,
  inventorySold: 3,
  databaseSold: 3,
  orders: [
    { order_code: 'AAAA-AAAA', status: 'PAID', tickets: '2' },
    { order_code: 'BBBB-BBBB', status: 'PAID', tickets: '1' },
    { order_code: 'CCCC-CCCC', status: 'PENDING', tickets: '1' },
  ],
  tickets: [
    { order_code: 'AAAA-AAAA', ticket_status: 'active' },
    { order_code: 'AAAA-AAAA', ticket_status: 'active' },
    { order_code: 'BBBB-BBBB', ticket_status: 'active' },
  ],
  paidByBuyers: ['AAAA-AAAA', 'BBBB-BBBB'],
  staleHolds: [{ holdId: 'h1', status: 'held', expiresAt: new Date(100_000).toISOString() }],
  now: 105_000,
  graceMs: 10_000,
  ...over,
});

const failed = (f: IntegrityFacts) =>
  evaluateIntegrity(f)
    .filter((c) => !c.ok)
    .map((c) => c.name);

describe('integrity checks', () => {
  it('pass on a consistent sale', () => {
    expect(failed(facts())).toEqual([]);
  });

  it('fail on oversold, disagreeing, ticketless, unpaid and overdue', () => {
    expect(failed(facts({ inventorySold: 11, databaseSold: 11 }))).toEqual(['sold ≤ capacity']);
    expect(failed(facts({ databaseSold: 2 }))).toEqual(['inventory and database agree on tickets sold']);
    expect(failed(facts({ tickets: facts().tickets.slice(0, 2) }))).toEqual([
      'every paid order has its tickets',
    ]);
    expect(failed(facts({ tickets: facts().tickets.slice(1) }))).toEqual([
      'every paid order has its tickets',
    ]);
    expect(failed(facts({ paidByBuyers: ['CCCC-CCCC'] }))).toEqual(['orders the buyers saw paid are paid']);
    expect(failed(facts({ now: 111_000 }))).toEqual(['nothing held past its window']);
  });

  it('parses the exports’ CSV, quotes and CRLF included', () => {
    expect(parseCsv('a,b\r\n1,"x, ""y"""\r\n2,\r\n')).toEqual([
      { a: '1', b: 'x, "y"' },
      { a: '2', b: '' },
    ]);
    expect(parseCsv('')).toEqual([]);
  });
});
