import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { applyMigrations } from '../../../../prisma/migrate.ts';
import { randomBytes } from 'node:crypto';
import { adminUrl } from './db.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    templateDb: string;
  }
}

/**
 * Builds one migrated template database per test run; every integration test file clones it
 * (CREATE DATABASE ... TEMPLATE), which takes milliseconds instead of re-running migrations.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Unique per run: several runs (or engineers) may share one PostgreSQL server.
  const TEMPLATE_DB = `seatrush_tpl_${randomBytes(4).toString('hex')}`;
  project.provide('templateDb', TEMPLATE_DB);
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${TEMPLATE_DB}`);
  await admin.end();
  const url = new URL(adminUrl());
  url.pathname = `/${TEMPLATE_DB}`;
  await applyMigrations(url.toString());
  return async () => {
    const c = new pg.Client({ connectionString: adminUrl() });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`);
    await c.end();
  };
}
