import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { PublicShowtime } from '@seatrush/shared';
import { startTestStack, type TestStack } from './support/env.ts';
import { apiClient, signIn } from './support/catalog-fixtures.ts';
import { seedDemo, DEMO_ADMIN_EMAIL } from '../src/catalog/demo.ts';
import { noopSaleHooks } from '../src/catalog/common.ts';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
});

afterAll(async () => {
  await stack?.close();
});

const deps = () => ({
  prisma: stack.container.prisma,
  logger: stack.container.logger,
  saleHooks: noopSaleHooks,
  config: stack.config,
});

async function counts() {
  const p = stack.container.prisma;
  return {
    venues: await p.venue.count(),
    categories: await p.priceCategory.count(),
    sections: await p.section.count(),
    rows: await p.row.count(),
    seats: await p.seat.count(),
    gaZones: await p.gaZone.count(),
    events: await p.event.count(),
    showtimes: await p.showtime.count(),
    prices: await p.showtimePrice.count(),
    zoneInventory: await p.zoneInventory.count(),
    staff: await p.staffUser.count(),
    audit: await p.auditEntry.count(),
  };
}

/** Runs the CLI as `npm start` does; resolves with its exit code, output and run time. */
function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(`${root}node_modules/.bin/tsx`, ['apps/server/src/cli/index.ts', ...args], {
      cwd: root,
      env: {
        ...process.env,
        DATABASE_URL: stack.config.databaseUrl,
        REDIS_URL: stack.config.redisUrl,
        REDIS_PREFIX: stack.config.redisPrefix,
        NODE_ENV: 'test',
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started }));
  });
}

describe('demo seed', () => {
  it('creates the demo catalog through the use cases, and a second run changes nothing', async () => {
    const first = await seedDemo(deps());
    expect(first.skipped).toBe(false);
    expect(first.created).toEqual({ venues: 3, events: 3, showtimes: 5, salesOpened: 5, admin: true });
    const after1 = await counts();
    const second = await seedDemo(deps());
    expect(second.created).toEqual({ venues: 0, events: 0, showtimes: 0, salesOpened: 0, admin: false });
    expect(await counts()).toEqual(after1);
    expect((await seedDemo(deps(), { ifEmpty: true })).skipped).toBe(true);
    expect(await counts()).toEqual(after1);

    // Written by the use cases: every change has its audit entry by `system`.
    const actions = await stack.container.prisma.auditEntry.groupBy({
      by: ['action', 'actor'],
      _count: { _all: true },
    });
    expect(Object.fromEntries(actions.map((a) => [`${a.actor} ${a.action}`, a._count._all]))).toEqual({
      'system staff.created': 1,
      'system venue.created': 3,
      'system event.created': 3,
      'system showtime.created': 5,
      'system showtime.sale_opened': 5,
    });
  });

  it('builds a ~2,000-seat theatre with 3+ price categories, wheelchair spaces beside companion seats, and a 500 standing zone', async () => {
    const p = stack.container.prisma;
    const theatre = await p.venue.findUniqueOrThrow({
      where: { slug: 'demo-theatre' },
      include: { categories: true, gaZones: true, sections: true },
    });
    const seats = await p.seat.findMany({ where: { venueId: theatre.id }, include: { row: true } });
    expect(seats.length).toBeGreaterThanOrEqual(1900);
    expect(seats.length).toBeLessThanOrEqual(2100);
    expect(theatre.sections.length).toBeGreaterThanOrEqual(3);
    expect(new Set(seats.map((s) => s.category)).size).toBeGreaterThanOrEqual(3);
    expect(theatre.gaZones.map((z) => [z.key, z.capacity, z.category])).toEqual([
      ['STANDING', 500, 'standing'],
    ]);

    const byPlace = new Map(seats.map((s) => [`${s.rowId}/${s.number}`, s]));
    const wheelchair = seats.filter((s) => s.wheelchair);
    expect(wheelchair.length).toBeGreaterThanOrEqual(4);
    for (const w of wheelchair) {
      const n = Number(w.number);
      const beside = [byPlace.get(`${w.rowId}/${n - 1}`), byPlace.get(`${w.rowId}/${n + 1}`)];
      expect(
        beside.some((s) => s?.companion),
        w.label,
      ).toBe(true);
    }
  });

  it('puts demo-concert (3 showtimes) and flash-sale (10,000 GA, no limit) on sale', async () => {
    const p = stack.container.prisma;
    const concert = await p.event.findUniqueOrThrow({
      where: { slug: 'demo-concert' },
      include: { showtimes: true },
    });
    expect(concert.showtimes).toHaveLength(3);
    for (const s of concert.showtimes)
      expect(s).toMatchObject({ saleState: 'on_sale', holdTtlSeconds: 900, perBuyerLimit: 8 });

    const flash = await p.event.findUniqueOrThrow({
      where: { slug: 'flash-sale' },
      include: { showtimes: { include: { zones: true } } },
    });
    expect(flash.showtimes).toHaveLength(1);
    const st = flash.showtimes[0]!;
    // The flash sale keeps the front door off, so benchmarks compare like with like; the stadium has the room on.
    expect(st.waitingRoom).toBe(false);
    const stadium = await stack.container.prisma.event.findUniqueOrThrow({
      where: { slug: 'stadium-on-sale' },
      include: { showtimes: true },
    });
    expect(stadium.showtimes.map((s) => [s.waitingRoom, s.saleState])).toEqual([[true, 'on_sale']]);
    expect(st).toMatchObject({ saleState: 'on_sale', perBuyerLimit: null });
    expect(st.zones.map((z) => [z.zoneKey, z.capacity, z.claimed])).toEqual([['FLOOR', 10_000, 0]]);

    const api = apiClient(stack.url);
    const pub = await api<PublicShowtime>('get', `/api/showtimes/${st.id}`);
    expect(pub.json).toMatchObject({ saleState: 'on_sale', gaZones: [{ key: 'FLOOR', capacity: 10_000 }] });
    expect(pub.json.categories).toEqual([
      { key: 'ga', name: 'General admission', color: '#d62728', priceCents: 5000 },
    ]);
  });

  it('creates the admin with the configured password', async () => {
    const api = apiClient(stack.url);
    const cookie = await signIn(api, DEMO_ADMIN_EMAIL, stack.config.adminPassword!, '10.9.9.9');
    const me = await api<{ role: string }>('get', '/api/staff/me', { cookie });
    expect(me.json.role).toBe('admin');
  });

  it('refuses to create the admin without a password (production without SEATRUSH_ADMIN_PASSWORD)', async () => {
    await stack.container.prisma.staffUser.deleteMany({ where: { email: DEMO_ADMIN_EMAIL } });
    await expect(seedDemo({ ...deps(), config: { adminPassword: undefined } })).rejects.toThrow(
      /SEATRUSH_ADMIN_PASSWORD/,
    );
    await seedDemo(deps());
  });

  it('runs from the command line: one summary line, clean exit', async () => {
    const run = await cli(['seed', '--if-empty']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^seed: catalog not empty, nothing to do \(3 venues, \d+ seats, 3 events, 5 showtimes, 1 staff\)\n$/,
    );
    const again = await cli(['seed']);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(
      /^seed: created 0 venues, 0 events, 0 showtimes, opened 0 sales; now 3 venues/,
    );
    // It exits by itself (a hang would mean an open handle); generous bound: tsx start-up is slow on a busy box.
    expect(again.ms).toBeLessThan(30_000);

    const bad = await cli(['seed', '--everything']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe('seatrush seed: Unknown option --everything.\n');
    const unknown = await cli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command "frobnicate"/);
  });
});
