import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from './support/env.ts';
import { apiClient, signIn, staffWithToken, unique, type Api } from './support/catalog-fixtures.ts';
import { connected } from './support/realtime-client.ts';
import { waitFor } from './support/wait.ts';

/**
 * Issue 14, finding 11: a browser behind the repo's own nginx (deploy/nginx/seatrush.conf, as docker-compose runs
 * it on :8080) sends `Origin: http://localhost:8080`. nginx must forward the Host *with* its port, or the CSRF
 * check compares that Origin with `http://localhost` and refuses every POST and the socket connection.
 *
 * Runs a real nginx (the Debian package) with the repo's config — only its listen port, pid and temp paths
 * changed, and its upstream pointed at an in-process web node. The node trusts X-Forwarded-* from loopback, where
 * this nginx is (TRUST_PROXY, as a deployment sets it for its proxy).
 */

const repo = join(import.meta.dirname, '..', '..', '..');
const nginxBin =
  ['/usr/sbin/nginx', '/usr/bin/nginx', '/usr/local/sbin/nginx'].find((p) => existsSync(p)) ??
  (spawnSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' }).stdout.trim() || null);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** The repo's nginx config with this run's port, pid and temp paths; its upstream is the given node. */
function nginxConfig(dir: string, port: number, upstreamPort: number): string {
  const conf = readFileSync(join(repo, 'deploy/nginx/seatrush.conf'), 'utf8')
    .replace(/listen\s+8080(\s+backlog=\d+)?;/, `listen 127.0.0.1:${port}$1;`)
    .replace(/pid\s+[^;]+;/, `pid ${dir}/nginx.pid;`)
    .replace(/error_log\s+[^;]+;/, `error_log ${dir}/error.log warn;`)
    .replace(/worker_processes\s+[^;]+;/, 'worker_processes 1;')
    .replace(/worker_connections\s+[^;]+;/, 'worker_connections 256;')
    .replace(/client_body_temp_path\s+[^;]+;/, `client_body_temp_path ${dir}/body;`)
    .replace(/proxy_temp_path\s+[^;]+;/, `proxy_temp_path ${dir}/proxy;`);
  if (!new RegExp(`listen 127\\.0\\.0\\.1:${port}[ ;]`).test(conf))
    throw new Error('seatrush.conf: could not set the port');
  const upstream = readFileSync(join(repo, 'deploy/nginx/upstream.conf'), 'utf8').replace(
    /upstream seatrush_web \{[\s\S]*?\n\}/,
    `upstream seatrush_web {\n  server 127.0.0.1:${upstreamPort};\n  keepalive 8;\n}`,
  );
  writeFileSync(join(dir, 'upstream.conf'), upstream);
  const file = join(dir, 'seatrush.conf');
  writeFileSync(file, conf);
  return file;
}

async function waitForPort(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const listening = () =>
    fetch(`http://127.0.0.1:${port}/healthz`).then(
      () => true,
      () => false,
    );
  await waitFor(
    async () => child.exitCode !== null || (await listening()),
    5_000,
    `nginx to listen on ${port}`,
  ).catch((e: Error) => {
    throw new Error(`${e.message}: ${log()}`);
  });
  if (child.exitCode !== null) throw new Error(`nginx exited (${child.exitCode}): ${log()}`);
}

const title = nginxBin
  ? 'through the repo nginx config'
  : 'through the repo nginx config — SKIPPED: no nginx binary (apt-get install nginx)';

describe.skipIf(!nginxBin)(title, () => {
  let stack: TestStack;
  let nginx: ChildProcess;
  let dir: string;
  let page: string;
  let api: Api;

  beforeAll(async () => {
    stack = await startTestStack({ env: { TRUST_PROXY: 'loopback' } });
    dir = mkdtempSync(join(tmpdir(), 'seatrush-nginx-'));
    chmodSync(dir, 0o755); // nginx's workers run as another user when started by root
    const port = await freePort();
    const file = nginxConfig(dir, port, Number(new URL(stack.url).port));
    let stderr = '';
    nginx = spawn(nginxBin!, ['-p', dir, '-c', file, '-g', 'daemon off;'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    nginx.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const errorLog = join(dir, 'error.log');
    await waitForPort(
      port,
      nginx,
      () => stderr + (existsSync(errorLog) ? readFileSync(errorLog, 'utf8') : ''),
    );
    // What a browser's address bar shows, and so its Host and Origin (fetch sends the URL's host as Host).
    page = `http://localhost:${port}`;
    api = apiClient(page);
  });

  afterAll(async () => {
    if (nginx && nginx.exitCode === null) {
      const exited = new Promise((r) => nginx.once('exit', r));
      nginx.kill('SIGTERM');
      await exited;
    }
    await stack?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Requests as the browser sends them: `Host` (from the URL) and `Origin` both name the page, port included. */
  const browser = (extra: Record<string, string> = {}) => ({ origin: page, ...extra });

  it('accepts a staff POST with a session cookie from the page nginx serves', async () => {
    const admin = await staffWithToken(stack.container, 'admin');
    const cookie = await signIn(api, admin.email, admin.password);
    const r = await api('post', '/api/staff/events', {
      cookie,
      body: { slug: unique('nginx'), name: 'Through nginx' },
      headers: browser(),
    });
    expect(r.status, r.text).toBe(201);
    // A foreign page is still refused through the same proxy.
    const foreign = await api('post', '/api/staff/events', {
      cookie,
      body: { slug: unique('nginx'), name: 'Foreign' },
      headers: browser({ origin: 'http://evil.example:8080' }),
    });
    expect(foreign.status).toBe(403);
  });

  const buyerCookie = async () => {
    const s = await api<{ token: string }>('post', '/api/buyer/session', {
      body: { email: `nginx-${randomUUID()}@example.test` },
      headers: browser(),
    });
    expect(s.status, s.text).toBe(201);
    return s.headers.get('set-cookie')!.split(';')[0]!;
  };

  it('accepts a change with the buyer session cookie', async () => {
    const cookie = await buyerCookie();
    const del = await api('delete', '/api/buyer/session', { cookie, headers: browser() });
    expect(del.status, del.text).toBe(204);
  });

  it('accepts the socket connection with the buyer session cookie', async () => {
    const cookie = await buyerCookie();
    const socket = connect(page, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      extraHeaders: { cookie, ...browser() },
    });
    try {
      await connected(socket);
    } finally {
      socket.disconnect();
    }
  });
});
