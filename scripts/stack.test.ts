/**
 * `npm start` end to end: the ready line, /readyz, and a clean Ctrl-C that leaves no process behind.
 * Runs once with the test run's Redis and PostgreSQL given by URL, once with nothing given (the embedded
 * default under .data/, reused when npm test already started it).
 */
import { createServer } from 'node:net';
import { statSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { createBuyerSessions } from '../apps/server/src/auth/buyer.ts';
import { describe, expect, it } from 'vitest';
import { launch, readyLine, root, runToExit, stopWithCtrlC } from './test-support/launcher.ts';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function startAndStop(env: NodeJS.ProcessEnv): Promise<void> {
  const port = await freePort();
  const started = launch(['start'], { ...env, PORT: String(port), LOG_LEVEL: 'warn' });
  const ready = await readyLine(started, 'Seatrush ready: ', 150_000);
  expect(ready).toMatch(
    /^Seatrush ready: buyer http:\/\/localhost:\d+\/ {2}box office http:\/\/localhost:\d+\/box-office/,
  );
  expect(ready).toContain('admin@seatrush.local');
  const readyz = await fetch(`http://127.0.0.1:${port}/readyz`);
  expect(readyz.status).toBe(200);
  await expectOwnSecretsOnLoopback(port);

  await stopWithCtrlC(started, 1);
  await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
}

/**
 * Issue 14, finding 8: the servers sign with the checkout's generated secrets (a buyer token made with the
 * development default written in the source is refused) and listen on loopback only.
 */
async function expectOwnSecretsOnLoopback(port: number): Promise<void> {
  const stat = statSync(join(root, '.data', 'secrets.json'));
  expect(stat.mode & 0o777).toBe(0o600);
  const forged = createBuyerSessions({ secret: 'dev-only-session-secret-change-me' }).issue(
    'b1',
    'x@example.test',
  );
  const me = await fetch(`http://127.0.0.1:${port}/api/buyer/session`, {
    headers: { authorization: `Bearer ${forged.token}` },
  });
  expect(me.status).toBe(401);
  const external = Object.values(networkInterfaces())
    .flat()
    .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
  if (external) await expect(fetch(`http://${external}:${port}/healthz`)).rejects.toThrow();
}

describe('npm start', () => {
  it('uses the Redis and PostgreSQL given by URL', async () => {
    const db = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
    db.pathname = '/seatrush_start_smoke';
    await startAndStop({
      ...process.env,
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      DATABASE_URL: db.toString(),
    });
  });

  it('starts (or reuses) the embedded services when nothing is given', async () => {
    const env = { ...process.env };
    delete env.REDIS_URL;
    delete env.DATABASE_URL;
    await startAndStop(env);
  });

  it('explains an unreachable REDIS_URL in one sentence', async () => {
    const { code, err } = await runToExit(['start'], {
      ...process.env,
      REDIS_URL: 'redis://127.0.0.1:1',
      PORT: '0',
    });
    expect(code).toBe(1);
    expect(err.trim()).toMatch(/^seatrush: REDIS_URL \(redis:\/\/127\.0\.0\.1:1\) is not reachable/);
    expect(err).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('uses a given Redis Cluster or sentinels as it uses REDIS_URL: unreachable, it says so in one sentence', async () => {
    for (const [name, list] of [
      ['REDIS_CLUSTER_NODES', '127.0.0.1:1,127.0.0.1:2'],
      ['REDIS_SENTINELS', '127.0.0.1:1'],
    ] as const) {
      const { code, err } = await runToExit(['start'], {
        ...process.env,
        // A reachable REDIS_URL beside it is not what is used.
        REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
        [name]: list,
        PORT: '0',
      });
      expect(code).toBe(1);
      expect(err.trim()).toBe(
        `seatrush: ${name} (127.0.0.1:1 first) is not reachable: start it, or unset ${name}.`,
      );
    }
  });
});
