import { describe, expect, it } from 'vitest';
import type { BuyerRecord } from './model.ts';
import { renderReport } from './report-html.ts';
import { sizing, summarize, type RunMeta } from './summary.ts';

const t0 = 1_700_000_000_000;
const meta: RunMeta = {
  url: 'http://127.0.0.1:3300',
  showtimeId: 'st1',
  showtimeLabel: 'Flash <Sale>',
  capacity: 2,
  buyers: 3,
  processes: 1,
  startedAt: t0,
  finishedAt: t0 + 3000,
  curve: { durationSeconds: 1, spike: 8, spikeSeconds: 1 },
  pick: 'ga',
  intents: { pay: 1 },
  cards: { success: 1 },
  waitingRoom: true,
  requireVerifiedBuyers: false,
  sources: { mode: 'loopback-per-buyer', addresses: 3, note: 'loopback' },
  command: 'rehearse --buyers 3',
};

const buyer = (rank: number, over: Partial<BuyerRecord>): BuyerRecord => ({
  rank,
  arrivedAt: t0 + rank * 100,
  email: `b${rank}@x.test`,
  outcome: 'bought',
  tickets: 1,
  steps: [],
  lagsMs: [],
  ...over,
});

const records: BuyerRecord[] = [
  buyer(0, {
    heldAt: t0 + 200,
    paidAt: t0 + 1500,
    steps: [
      { step: 'hold', at: t0 + 150, ms: 20, ok: true },
      { step: 'pay', at: t0 + 1000, ms: 80, ok: true },
    ],
    lagsMs: [10, 30],
    queue: { joinedAt: t0, promisedEtaSeconds: 10, position: 1, likelySoldOut: false, admittedAt: t0 + 8000 },
  }),
  buyer(1, {
    heldAt: t0 + 300,
    paidAt: t0 + 2600,
    steps: [{ step: 'hold', at: t0 + 250, ms: 40, ok: true }],
    queue: {
      joinedAt: t0,
      promisedEtaSeconds: 2,
      position: 2,
      likelySoldOut: false,
      admittedAt: t0 + 30_000,
    },
  }),
  buyer(2, {
    outcome: 'sold_out',
    tickets: 0,
    steps: [
      { step: 'hold', at: t0 + 1200, ms: 5, ok: false, code: 'sold_out' },
      { step: 'session', at: t0 + 1100, ms: 5, ok: false, code: 'rate_limited' },
    ],
    queue: { joinedAt: t0, promisedEtaSeconds: null, position: 3, likelySoldOut: true },
  }),
];

describe('the report model', () => {
  const s = summarize(meta, records, [{ name: 'sold ≤ capacity', ok: true, detail: '2 ≤ 2' }], null);

  it('times the sell-out and counts outcomes, holds and orders per second', () => {
    expect(s.sellOutSeconds).toBe(1.2);
    expect(s.lastPaidSeconds).toBe(2.6);
    expect(s.outcomes.bought).toBe(2);
    expect(s.outcomes.sold_out).toBe(1);
    expect(s.ticketsBought).toBe(2);
    expect(s.series.holds).toEqual([2, 0, 0]);
    expect(s.series.orders).toEqual([0, 1, 1]);
    // "Sold out" is an answer, not an error; the 429 is one.
    expect(s.series.errors).toEqual([0, 1, 0]);
  });

  it('has latency and errors per step, lag, promises and fairness', () => {
    expect(s.latency.hold).toMatchObject({ count: 2, p50: 20, max: 40, errors: 1 });
    expect(s.errors).toEqual({ hold: { sold_out: 1 }, session: { rate_limited: 1 } });
    expect(s.liveUpdateLagMs).toMatchObject({ count: 2, max: 30 });
    expect(s.waitingRoom).toMatchObject({
      joined: 3,
      admitted: 2,
      keptPromises: 1,
      toldLikelySoldOut: 1,
      toldLikelySoldOutAndGotNone: 1,
    });
    expect(s.waitingRoom!.points).toEqual([
      [10, 8],
      [2, 30],
    ]);
    expect(s.fairness.overtakes).toBe(0);
    expect(s.integrity.ok).toBe(true);
  });

  it('counts a hold as won for fairness whatever became of it (a checkout that timed out too)', () => {
    const late = buyer(3, { outcome: 'timed_out', heldAt: t0 + 400 });
    const f = summarize(meta, [...records, late], [], null).fairness;
    expect(f.winners).toBe(3);
    expect(f.overtakes).toBe(1);
  });

  it('sizes a deployment from CPU per buyer', () => {
    expect(sizing(60, 1000, 100, [60_000])).toEqual([
      { buyersPerMinute: 60_000, purchasesPerMinute: 6000, cores: 60 },
    ]);
  });

  it('renders one self-contained page with the chart library inlined and text escaped', () => {
    const html = renderReport(s, '/* chart bundle */ window.Chart = function () {};');
    expect(html).toContain('/* chart bundle */');
    expect(html).toContain('Flash &lt;Sale&gt;');
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).not.toContain('<Sale>');
  });
});
