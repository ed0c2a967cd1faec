/**
 * The embedded PostgreSQL as root, from a checkout the `postgres` user cannot enter (issue 17: `/root` is mode
 * 700, so is a `mktemp -d` folder): it must still initialise, start and answer. Runs only as root, like the case.
 */
import { chmodSync, cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import {
  canRun,
  embeddedInitdb,
  ensurePostgresUser,
  postgresHome,
  runPostgres,
} from './lib/postgres-home.ts';
import { startPostgresAsUser } from './lib/services.ts';

const asRoot = process.getuid?.() === 0;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function answers(url: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<{ n: number }>('SELECT 1 + 1 AS n')).rows[0]!.n;
  } finally {
    await c.end();
  }
}

const cleanup: string[] = [];
afterAll(() => {
  for (const d of cleanup) rmSync(d, { recursive: true, force: true });
});

describe.skipIf(!asRoot)('embedded PostgreSQL in a checkout other users cannot enter', () => {
  it('copies the binaries and keeps the data where the postgres user can reach them', async () => {
    const checkout = mkdtempSync(join(tmpdir(), 'seatrush-checkout-')); // mode 700, like /root
    const base = mkdtempSync(join(tmpdir(), 'seatrush-pg-base-'));
    chmodSync(base, 0o755);
    cleanup.push(checkout, base);
    const native = join(checkout, 'node_modules', 'native');
    cpSync(dirname(dirname(await embeddedInitdb())), native, { recursive: true, verbatimSymlinks: true });
    const ids = ensurePostgresUser();
    expect(canRun(join(native, 'bin', 'initdb'), ids)).toBe(false);

    const home = postgresHome(checkout, native, ids, base);
    expect(home.moved).toBe(true);
    expect(home.dataDir.startsWith(base)).toBe(true);
    expect(canRun(join(home.binDir, 'initdb'), ids)).toBe(true);

    const port = await freePort();
    const server = await runPostgres({ home, ids, port, user: 'postgres', password: 'pw' });
    try {
      expect(await answers(`postgres://postgres:pw@127.0.0.1:${port}/postgres`)).toBe(2);
    } finally {
      await server.stop();
    }
    // A second start reuses the copy and the initialised data.
    const again = await runPostgres({ home, ids, port, user: 'postgres', password: 'pw' });
    await again.stop();
  }, 60_000);

  it('npm start’s set-up starts it from such a checkout and says where the data went', async () => {
    const checkout = mkdtempSync(join(tmpdir(), 'seatrush-checkout-'));
    cleanup.push(checkout);
    const lines: string[] = [];
    const port = await freePort();
    const service = await startPostgresAsUser(checkout, port, 'seatrush_home_test', (m) => lines.push(m));
    try {
      expect(await answers(service.url)).toBe(2);
      const moved = lines.find((l) => l.includes('/var/tmp/seatrush-postgres-'));
      expect(moved).toBeDefined();
      cleanup.push(/\/var\/tmp\/seatrush-postgres-[0-9a-f]+/.exec(moved!)![0]);
    } finally {
      await service.stop();
    }
    expect(existsSync(join(checkout, '.data', 'postgres', 'PG_VERSION'))).toBe(false);
  }, 60_000);
});
