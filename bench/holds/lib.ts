import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { RATE_LIMITS_OFF } from '../../apps/server/src/config/index.ts';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// pg is a dependency of apps/server; resolve it from there like prisma/migrate.ts does.
const requireFromServer = createRequire(path.join(REPO, 'apps/server/package.json'));
type PgModule = typeof import('../../apps/server/node_modules/@types/pg/index.js');
export const pg = requireFromServer('pg') as PgModule;

/** Creates the database when missing and applies the migrations. */
export async function ensureDatabase(url: string): Promise<void> {
  const u = new URL(url);
  const name = u.pathname.slice(1);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const c = new pg.Client({ connectionString: admin.toString() });
  await c.connect();
  const exists = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  if (!exists.rowCount) await c.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
  await c.end();
  const { applyMigrations } = await import('../../prisma/migrate.ts');
  await applyMigrations(url);
}

/**
 * Production refuses secrets written in the source (config/secrets.ts): every bench run makes its own, once per
 * process, so all the nodes it starts agree.
 */
const BENCH_SECRETS = {
  SESSION_SECRET: randomBytes(32).toString('base64url'),
  TICKET_SIGNING_SECRET: randomBytes(32).toString('base64url'),
  PAYMENT_WEBHOOK_SECRET: randomBytes(32).toString('base64url'),
  SEATRUSH_ADMIN_PASSWORD: randomBytes(18).toString('base64url'),
};

/**
 * The environment of a Seatrush web node under bench: production mode, quiet logs, this run's random secrets, the
 * sandbox payment provider chosen explicitly (production refuses to start without a provider), and no abuse limits
 * (one bench buyer sends thousands of holds from one address; the figures measure the hold path, not the limiter).
 */
export function benchNodeEnv(opts: { redisUrl: string; databaseUrl: string; prefix: string }) {
  return {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    REDIS_URL: opts.redisUrl,
    DATABASE_URL: opts.databaseUrl,
    REDIS_PREFIX: opts.prefix,
    PAYMENT_PROVIDER: 'sandbox',
    ...RATE_LIMITS_OFF,
    ...BENCH_SECRETS,
  };
}
