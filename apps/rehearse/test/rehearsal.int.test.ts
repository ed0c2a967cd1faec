import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The server's global set-up (in vitest.config.ts) provides the template database, and declares its type.
import type {} from '../../server/test/support/global-setup.ts';
import { startTestStack, type TestStack } from '../../server/test/support/env.ts';
import { staffWithToken } from '../../server/test/support/catalog-fixtures.ts';
import { parseOptions, type RehearsalOptions } from '../src/options.ts';
import { rehearse } from '../src/run.ts';
import type { Summary } from '../src/summary.ts';

/**
 * Issue 19: a small rehearsal against a real Seatrush node (web + worker in this process, real Redis and
 * PostgreSQL), with the abuse limits on as in production: 300 buyers for 100 GA tickets, then a seated showtime
 * picked by named seats near a preference. The crowd must sell out, the integrity checks must pass, and every
 * buyer must have connected from its own loopback address (the per-address limits would refuse a crowd from one).
 */

let stack: TestStack;
let token: string;

// REHEARSAL_TEST_VERBOSE=1 shows the rehearsal's own output while debugging.
const quiet = process.env.REHEARSAL_TEST_VERBOSE
  ? process.stdout
  : ({ write: () => true, isTTY: false } as unknown as NodeJS.WriteStream);

beforeAll(async () => {
  stack = await startTestStack({
    worker: true,
    // Production's per-address limits (config defaults), not the test suites' "off".
    env: {
      RATE_LIMIT_SESSION_PER_ADDRESS: '60',
      RATE_LIMIT_HOLD_PER_ADDRESS: '120',
      RATE_LIMIT_QUEUE_JOIN_PER_ADDRESS: '60',
      RATE_LIMIT_ORDER_LOOKUP_PER_ADDRESS: '60',
      // Over loopback the tests trust X-Forwarded-For; the rehearsal sends none, so the socket address counts.
      TRUST_PROXY: 'loopback',
    },
  });
  token = (await staffWithToken(stack.container, 'admin')).token;
});
afterAll(async () => {
  await stack?.close();
});

function options(extra: string[]): RehearsalOptions {
  const o = parseOptions([
    '--url',
    stack.url,
    '--token',
    token,
    '--out',
    mkdtempSync(join(tmpdir(), 'rehearsal-')),
    '--processes',
    '2',
    '--duration',
    '3',
    '--spike-seconds',
    '1',
    '--refund-after',
    '0.2',
    '--max-time',
    '60',
    '--settle',
    '20',
    ...extra,
  ]);
  if (o === 'help') throw new Error('help');
  return o;
}

const run = (o: RehearsalOptions) => rehearse(o, { out: quiet, env: {}, command: 'test' });

describe('rehearse', () => {
  it('sells out 100 GA tickets to 300 buyers from 300 loopback addresses, with the integrity checks passing', async () => {
    const o = options(['--buyers', '300', '--setup', 'ga:100', '--max-quantity', '2', '--sockets', '0.3']);
    const { summary, exitCode, reportPath } = await run(o);
    expect(summary.integrity.checks.filter((c) => !c.ok)).toEqual([]);
    expect(exitCode).toBe(0);
    expect(summary.meta.sources.mode).toBe('loopback-per-buyer');
    expect(summary.sellOutSeconds).not.toBeNull();
    // Every buyer got an answer: a hold, or "sold out" — none ran into a per-address limit.
    expect(summary.errors.session ?? {}).toEqual({});
    expect(summary.outcomes.error + summary.outcomes.timed_out).toBe(0);
    expect(summary.ticketsBought).toBeGreaterThan(0);
    expect(summary.ticketsBought).toBeLessThanOrEqual(100);
    expect(summary.latency.hold!.count).toBeGreaterThan(0);
    expect(summary.liveUpdateLagMs.count).toBeGreaterThan(0);
    expect(summary.fairness.winShareByDecile).toHaveLength(10);
    expect(summary.outcomes.sold_out).toBeGreaterThan(100);
    const json = JSON.parse(readFileSync(join(o.out, 'summary.json'), 'utf8')) as Summary;
    expect(json.outcomes).toEqual(summary.outcomes);
    const html = readFileSync(reportPath, 'utf8');
    expect(html).toContain('new Chart(');
    expect(html).not.toMatch(/<script[^>]+src=/);
  });

  it('rehearses a seated showtime behind a waiting room: named seats near a preference, releases and refunds', async () => {
    const o = options([
      '--buyers',
      '60',
      '--sockets',
      '0',
      '--setup',
      `venue:${fileURLToPath(new URL('../../../docs/examples/small-theatre.json', import.meta.url))}`,
      '--pick',
      'near',
      '--mix',
      'pay=0.6,release=0.2,refund=0.2',
      '--per-buyer-limit',
      '4',
      '--waiting-room',
      '--admission-per-minute',
      '6000',
      '--patience',
      '3',
    ]);
    const { summary, exitCode } = await run(o);
    expect(summary.integrity.checks.filter((c) => !c.ok)).toEqual([]);
    expect(exitCode).toBe(0);
    expect(summary.outcomes.bought + summary.outcomes.refunded).toBeGreaterThan(0);
    expect(summary.outcomes.error).toBe(0);
    expect(summary.latency.availability?.count ?? 0).toBeGreaterThan(0);
    // Everyone joined the line; those admitted held with their admission token (a hold without one is refused).
    expect(summary.waitingRoom).toMatchObject({ joined: 60 });
    expect(summary.waitingRoom!.admitted).toBeGreaterThan(0);
    expect(summary.latency.hold!.count).toBeGreaterThan(0);
    expect(summary.errors.hold?.admission_required ?? 0).toBe(0);
  });
});
