import { ConfigError, configFromEnv } from '../config/index.ts';
import { createContainer, type Container } from '../container.ts';
import type { SaleHooks } from '../catalog/common.ts';
import { createInventory, type Inventory } from '../inventory/inventory.ts';
import { inventorySaleHooks } from '../inventory/sale-hooks.ts';
import { seedDemo } from '../catalog/demo.ts';
import { applyMigrations } from '../../../../prisma/migrate.ts';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * `tsx apps/server/src/cli/index.ts <command> [args]` — operator commands. Each command gets a container
 * (config from the environment), prints one line on success, and the dispatcher closes connections after.
 * To add a command: one entry in `commands`.
 */

interface Command {
  usage: string;
  summary: string;
  run(c: Container, args: string[]): Promise<string>;
}

function inventoryOf(c: Container): Inventory {
  return createInventory({
    redis: c.redis,
    prisma: c.prisma,
    prefix: c.config.redisPrefix,
    logger: c.logger,
  });
}

/** Sale hooks for CLI-driven sale changes: opening a sale loads its inventory into Redis. */
function saleHooks(c: Container): SaleHooks {
  return inventorySaleHooks(inventoryOf(c));
}

const commands: Record<string, Command> = {
  setup: {
    usage: 'setup',
    summary: 'Apply pending migrations, then seed the demo data when the catalog is empty (Docker start-up)',
    async run(c) {
      const { applied } = await applyMigrations(c.config.databaseUrl);
      const seeded = await commands.seed!.run(c, ['--if-empty']);
      return `setup: ${applied.length} migration(s) applied; ${seeded}`;
    },
  },
  'inventory:rebuild': {
    usage: 'inventory:rebuild <showtimeId>',
    summary: "Rebuild a showtime's live inventory in Redis from PostgreSQL (see docs/inventory.md)",
    async run(c, args) {
      const [showtimeId, ...rest] = args;
      if (!showtimeId || rest.length) throw new UsageError('Give exactly one showtime id.');
      const inventory = inventoryOf(c);
      const { version } = await inventory.load(showtimeId, { force: true });
      const check = await inventory.recount(showtimeId);
      if (!check.ok)
        throw new Error(`rebuilt, but the recount disagrees: ${check.diffs.slice(0, 5).join('; ')}`);
      const s = await inventory.snapshot(showtimeId);
      const held = Object.values(s.categories).reduce((n, x) => n + x.held, 0);
      const sold = Object.values(s.categories).reduce((n, x) => n + x.sold, 0);
      return `inventory:rebuild: ${showtimeId} loaded at version ${version} (${s.state}; ${s.seatLabels.length} seats, ${held} held, ${sold} sold)`;
    },
  },
  seed: {
    usage: 'seed [--if-empty]',
    summary:
      'Create the demo venues, events, showtimes and admin (idempotent); --if-empty skips a non-empty catalog',
    async run(c, args) {
      const unknown = args.filter((a) => a !== '--if-empty');
      if (unknown.length) throw new UsageError(`Unknown option ${unknown[0]}.`);
      const r = await seedDemo(
        { prisma: c.prisma, logger: c.logger, saleHooks: saleHooks(c), config: c.config },
        { ifEmpty: args.includes('--if-empty') },
      );
      const t = r.totals;
      const totals = `${t.venues} venues, ${t.seats} seats, ${t.events} events, ${t.showtimes} showtimes, ${t.staff} staff`;
      if (r.skipped) return `seed: catalog not empty, nothing to do (${totals})`;
      const n = r.created;
      return (
        `seed: created ${n.venues} venues, ${n.events} events, ${n.showtimes} showtimes, opened ${n.salesOpened} sales` +
        `${n.admin ? ', admin admin@seatrush.local' : ''}; now ${totals}`
      );
    },
  },
};

class UsageError extends Error {}

/**
 * `seatrush rehearse …` (docs/rehearsal.md): the on-sale rehearsal is a client of the HTTP API (apps/rehearse),
 * not a server command, so it runs as its own process with the same loader and needs no container.
 */
function rehearse(args: string[]): Promise<number> {
  const entry = fileURLToPath(new URL('../../../rehearse/src/main.ts', import.meta.url));
  const child = spawn(process.execPath, [...process.execArgv, entry, ...args], { stdio: 'inherit' });
  return new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
}

function usage(): string {
  return [
    'Usage: seatrush <command>',
    ...Object.values(commands).map((c) => `  ${c.usage.padEnd(28)} ${c.summary}`),
    `  ${'rehearse [flags]'.padEnd(28)} Rehearse an on-sale with simulated buyers (rehearse --help; docs/rehearsal.md)`,
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === 'help') {
    process.stdout.write(`${usage()}\n`);
    return name ? 0 : 2;
  }
  if (name === 'rehearse') return rehearse(args);
  const command = commands[name];
  if (!command) {
    process.stderr.write(`seatrush: unknown command "${name}".\n${usage()}\n`);
    return 2;
  }
  let container: Container | undefined;
  try {
    const config = configFromEnv({ defaults: { LOG_LEVEL: 'warn' } });
    container = createContainer(config);
    const line = await command.run(container, args);
    process.stdout.write(`${line}\n`);
    return 0;
  } catch (e) {
    if (e instanceof ConfigError || e instanceof UsageError)
      process.stderr.write(`seatrush ${name}: ${e.message}\n`);
    else {
      container?.logger.error({ err: e }, `${name} failed`);
      process.stderr.write(`seatrush ${name}: failed: ${(e as Error).message}\n`);
    }
    return 1;
  } finally {
    await container?.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`seatrush: ${(e as Error).message}\n`);
    process.exit(1);
  },
);
