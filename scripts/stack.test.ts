/**
 * `npm start` end to end: the ready line, /readyz, and a clean Ctrl-C that leaves no process behind.
 * Runs once with the test run's Redis and PostgreSQL given by URL, once with nothing given (the embedded
 * default under .data/, reused when npm test already started it).
 */
import { spawn, execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { statSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { createBuyerSessions } from '../apps/server/src/auth/buyer.ts';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Every descendant pid of `pid` (ps is in procps on Debian). */
function descendants(pid: number): number[] {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number) as [number, number]);
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [child, parent] of rows)
      if (parent === p) {
        out.push(child);
        walk(child);
      }
  };
  walk(pid);
  return out;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function startAndStop(env: NodeJS.ProcessEnv): Promise<void> {
  const port = await freePort();
  const child = spawn(process.execPath, ['scripts/bootstrap.mjs', 'start'], {
    cwd: root,
    env: { ...env, PORT: String(port), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const ready = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line within 150 s:\n${output}`)), 150_000);
    const check = () => {
      const line = output.split('\n').find((l) => l.startsWith('Seatrush ready: '));
      if (line) {
        clearTimeout(timer);
        resolve(line);
      }
    };
    child.stdout.on('data', check);
    child.on('exit', (code) => reject(new Error(`npm start exited (${code}) before ready:\n${output}`)));
  });
  expect(ready).toMatch(
    /^Seatrush ready: buyer http:\/\/localhost:\d+\/ {2}box office http:\/\/localhost:\d+\/box-office/,
  );
  expect(ready).toContain('admin@seatrush.local');
  const readyz = await fetch(`http://127.0.0.1:${port}/readyz`);
  expect(readyz.status).toBe(200);
  await expectOwnSecretsOnLoopback(port);

  const tree = descendants(child.pid!);
  expect(tree.length).toBeGreaterThan(1);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  child.kill('SIGINT');
  expect([0, 130]).toContain(await exited); // 130 = the conventional exit after Ctrl-C
  // Grandchildren (tsx's esbuild service) notice their parent is gone within moments, not instantly.
  for (let i = 0; i < 50 && tree.some(alive); i++) await new Promise((r) => setTimeout(r, 200));
  expect(tree.filter(alive)).toEqual([]);
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
    const child = spawn(process.execPath, ['scripts/bootstrap.mjs', 'start'], {
      cwd: root,
      env: { ...process.env, REDIS_URL: 'redis://127.0.0.1:1', PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(err.trim()).toMatch(/^seatrush: REDIS_URL \(redis:\/\/127\.0\.0\.1:1\) is not reachable/);
    expect(err).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('uses a given Redis Cluster or sentinels as it uses REDIS_URL: unreachable, it says so in one sentence', async () => {
    for (const [name, list] of [
      ['REDIS_CLUSTER_NODES', '127.0.0.1:1,127.0.0.1:2'],
      ['REDIS_SENTINELS', '127.0.0.1:1'],
    ] as const) {
      const child = spawn(process.execPath, ['scripts/bootstrap.mjs', 'start'], {
        cwd: root,
        // A reachable REDIS_URL beside it is not what is used.
        env: {
          ...process.env,
          REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
          [name]: list,
          PORT: '0',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(code).toBe(1);
      expect(err.trim()).toBe(
        `seatrush: ${name} (127.0.0.1:1 first) is not reachable: start it, or unset ${name}.`,
      );
    }
  });
});
