import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations, migrationStatus } from '../../../prisma/migrate.ts';

// Needs a PostgreSQL server; works in its own databases and drops them afterwards.
const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const migrationsDir = fileURLToPath(new URL('../../../prisma/migrations/', import.meta.url));
const localMigrations = readdirSync(migrationsDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

function urlFor(database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const created: string[] = [];

/** A new empty database with a unique name, dropped in afterAll. */
async function freshDatabase(): Promise<string> {
  const name = `seatrush_migrate_${randomBytes(5).toString('hex')}`;
  await withClient(urlFor('postgres'), (admin) => admin.query(`CREATE DATABASE "${name}"`));
  created.push(name);
  return urlFor(name);
}

describe('prisma/migrate.ts', () => {
  let url: string;

  beforeAll(async () => {
    url = await freshDatabase();
  });

  afterAll(async () => {
    await withClient(urlFor('postgres'), async (admin) => {
      for (const name of created) await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    });
  });

  it('reports every migration as pending on an empty database', async () => {
    expect(localMigrations.length).toBeGreaterThan(0);
    await expect(migrationStatus(url)).resolves.toEqual({ applied: [], pending: localMigrations });
  });

  it('applies all migrations to an empty database', async () => {
    const messages: string[] = [];
    const result = await applyMigrations(url, { log: (msg) => messages.push(msg) });
    expect(result.applied).toEqual(localMigrations);
    expect(messages.length).toBeGreaterThan(0);

    const tables = await withClient(url, async (client) => {
      const { rows } = await client.query<{ table_name: string }>(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
      );
      return rows.map((row) => row.table_name);
    });
    expect(tables).toEqual(
      expect.arrayContaining([
        '_prisma_migrations',
        'Venue',
        'Seat',
        'Showtime',
        'ZoneInventory',
        'SeatClaim',
        'Order',
      ]),
    );
  }, 30_000);

  it('records migrations the way Prisma does', async () => {
    const rows = await withClient(url, async (client) => {
      const { rows } = await client.query<{
        migration_name: string;
        checksum: string;
        finished: boolean;
        rolled_back_at: Date | null;
        applied_steps_count: number;
      }>(
        `SELECT migration_name, checksum, finished_at IS NOT NULL AS finished, rolled_back_at, applied_steps_count
         FROM _prisma_migrations ORDER BY migration_name`,
      );
      return rows;
    });
    expect(rows.map((row) => row.migration_name)).toEqual(localMigrations);
    for (const row of rows) {
      expect(row).toMatchObject({ finished: true, rolled_back_at: null, applied_steps_count: 1 });
      expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('keeps the hand-written CHECK constraints of the first migration', async () => {
    const names = await withClient(url, async (client) => {
      const { rows } = await client.query<{ conname: string }>(
        `SELECT conname FROM pg_constraint WHERE conrelid = '"ZoneInventory"'::regclass AND contype = 'c'`,
      );
      return rows.map((row) => row.conname);
    });
    expect(names).toEqual(
      expect.arrayContaining(['ZoneInventory_claimed_within_capacity', 'ZoneInventory_capacity_nonnegative']),
    );
  });

  it('applies nothing the second time', async () => {
    await expect(applyMigrations(url)).resolves.toEqual({ applied: [] });
    await expect(migrationStatus(url)).resolves.toEqual({ applied: localMigrations, pending: [] });
  });

  it('lets only one of two concurrent runs apply the migrations', async () => {
    const other = await freshDatabase();
    const [a, b] = await Promise.all([applyMigrations(other), applyMigrations(other)]);
    expect([a.applied, b.applied]).toEqual(expect.arrayContaining([localMigrations, []]));
    const count = await withClient(other, async (client) => {
      const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM _prisma_migrations');
      return rows[0]?.n;
    });
    expect(count).toBe(localMigrations.length);
  }, 30_000);

  it('refuses to continue when an applied migration was modified', async () => {
    const first = localMigrations[0];
    await withClient(url, (client) =>
      client.query(`UPDATE _prisma_migrations SET checksum = repeat('0', 64) WHERE migration_name = $1`, [
        first,
      ]),
    );
    await expect(applyMigrations(url)).rejects.toThrow(/modified after it was applied/);
  });
});
