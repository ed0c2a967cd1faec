/**
 * What bench/orders' runs share: a fresh migrated database of their own, and a showtime on sale with numbered seats
 * and one GA zone.
 */
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PrismaClient } from '../../apps/server/src/db/prisma.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const requireFromServer = createRequire(path.join(REPO, 'apps/server/package.json'));
type PgModule = typeof import('../../apps/server/node_modules/@types/pg/index.js');
const pg = requireFromServer('pg') as PgModule;

const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

function dbUrl(name: string): string {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Drops and re-creates the database `name` on the server of DATABASE_URL, migrated. Returns its URL. */
export async function freshDatabase(name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: dbUrl('postgres') });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const { applyMigrations } = await import('../../prisma/migrate.ts');
  await applyMigrations(dbUrl(name));
  return dbUrl(name);
}

/** A showtime on sale: `rows` × `seatsPerRow` seats (category std) and a GA zone `ga` of `opts.ga` places. */
export async function showtime(
  prisma: PrismaClient,
  opts: { rows: number; seatsPerRow: number; ga: number; ttl: number },
): Promise<{ id: string; seats: string[] }> {
  const tag = randomBytes(4).toString('hex');
  const venue = await prisma.venue.create({
    data: {
      slug: `bench-orders-${tag}`,
      name: `Bench ${tag}`,
      seatMap: {},
      categories: {
        create: [
          { key: 'std', name: 'Seats', color: '#336699' },
          { key: 'floor', name: 'Floor', color: '#cc3366' },
        ],
      },
      gaZones: { create: [{ key: 'ga', name: 'Floor', capacity: opts.ga, category: 'floor' }] },
    },
  });
  const seats: string[] = [];
  if (opts.rows > 0) {
    const section = await prisma.section.create({ data: { venueId: venue.id, key: 'S', name: 'S' } });
    for (let r = 1; r <= opts.rows; r++) {
      const row = await prisma.row.create({ data: { sectionId: section.id, label: String(r) } });
      const data = Array.from({ length: opts.seatsPerRow }, (_, i) => {
        const label = `S-${r}-${i + 1}`;
        seats.push(label);
        return {
          venueId: venue.id,
          sectionId: section.id,
          rowId: row.id,
          label,
          number: String(i + 1),
          x: i,
          y: r,
          category: 'std',
        };
      });
      await prisma.seat.createMany({ data });
    }
  }
  const event = await prisma.event.create({ data: { slug: `bench-orders-${tag}`, name: `Bench ${tag}` } });
  const start = Date.now() + 30 * 86_400_000;
  const st = await prisma.showtime.create({
    data: {
      eventId: event.id,
      venueId: venue.id,
      startsAt: new Date(start),
      saleOpensAt: new Date(Date.now() - 60_000),
      saleClosesAt: new Date(start - 3_600_000),
      saleState: 'on_sale',
      holdTtlSeconds: opts.ttl,
      perBuyerLimit: null,
      prices: {
        create: [
          { category: 'std', priceCents: 5900 },
          { category: 'floor', priceCents: 4900 },
        ],
      },
      zones: { create: [{ zoneKey: 'ga', capacity: opts.ga }] },
    },
  });
  return { id: st.id, seats };
}
