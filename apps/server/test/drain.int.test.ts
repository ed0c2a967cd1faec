import { spawn, type ChildProcess } from 'node:child_process';
import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { io as connect } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from './support/db.ts';
import { testPrefix } from './support/env.ts';
import { testRedisEnv } from './support/redis-target.ts';
import { waitFor } from './support/wait.ts';

/**
 * Issue 18, graceful drain: on SIGTERM a real server process turns `/readyz` 503, stops accepting, tells its
 * Socket.IO clients to reconnect elsewhere, lets the request in flight finish, and exits — within DRAIN_TIMEOUT_MS
 * when a request never finishes. A worker stops taking jobs and exits.
 */
const repo = join(import.meta.dirname, '..', '..', '..');

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

interface Proc {
  child: ChildProcess;
  url: string;
  metricsUrl: string;
  exited: Promise<{ code: number | null; at: number }>;
  stderr: () => string;
}

let db: { url: string; drop: () => Promise<void> };
const procs: Proc[] = [];

async function startProcess(role: 'web' | 'worker', drainTimeoutMs: number): Promise<Proc> {
  const [port, metricsPort] = [await freePort(), await freePort()];
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts', '--role', role], {
    cwd: repo,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      HOST: '127.0.0.1',
      PORT: String(port),
      METRICS_PORT: String(metricsPort),
      DRAIN_TIMEOUT_MS: String(drainTimeoutMs),
      DATABASE_URL: db.url,
      ...testRedisEnv(), // REDIS_URL, or the run's cluster in cluster mode
      REDIS_PREFIX: testPrefix(),
    },
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
    child.once('exit', (code) => resolve({ code, at: Date.now() })),
  );
  const p: Proc = {
    child,
    url: `http://127.0.0.1:${port}`,
    metricsUrl: `http://127.0.0.1:${metricsPort}`,
    exited,
    stderr: () => stderr,
  };
  procs.push(p);
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}: ${stderr}`);
      return (await fetch(`${p.metricsUrl}/readyz`)).status === 200;
    },
    150_000,
    `the ${role} process to be ready`,
  );
  return p;
}

/** A POST whose body is only half sent: in flight on the server until `finish()`. */
function halfSentSession(url: string): {
  req: ClientRequest;
  response: Promise<IncomingMessage>;
  finish(): void;
} {
  const body = JSON.stringify({ email: 'drain@example.test' });
  const req = request(`${url}/api/buyer/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
  });
  const response = new Promise<IncomingMessage>((resolve, reject) => {
    req.once('response', resolve);
    req.once('error', reject);
  });
  req.flushHeaders();
  req.write(body.slice(0, 10));
  return { req, response, finish: () => req.end(body.slice(10)) };
}

/** The process's open sockets, from its own metrics (prom-client's `nodejs_active_handles{type="Socket"}`). */
const openSockets = async (metricsUrl: string) => {
  const text = await (await fetch(`${metricsUrl}/metrics`)).text();
  return Number(/^nodejs_active_handles\{type="Socket"\} (\d+)$/m.exec(text)?.[1] ?? NaN);
};

/** A half-sent request that the server has accepted (its socket counted by the process) before it returns. */
async function inFlightOn(node: Proc, url: string) {
  const before = await openSockets(node.metricsUrl);
  const inFlight = halfSentSession(url);
  await waitFor(async () => (await openSockets(node.metricsUrl)) > before, 5_000, 'the server to accept it');
  return inFlight;
}

const readiness = async (metricsUrl: string) => {
  const r = await fetch(`${metricsUrl}/readyz`);
  return { status: r.status, body: (await r.json()) as { checks: Record<string, string> } };
};

beforeAll(async () => {
  db = await createTestDatabase();
});

afterEach(() => {
  for (const p of procs.splice(0)) if (p.child.exitCode === null) p.child.kill('SIGKILL');
});

afterAll(async () => {
  await db?.drop();
});

// A server process starts in seconds, but a loaded shared machine can take a minute or more.
describe('graceful drain on SIGTERM', { timeout: 240_000 }, () => {
  it('a web node: readiness 503, no new connections, sockets told to reconnect, the request in flight completes', async () => {
    const node = await startProcess('web', 10_000);
    const socket = connect(node.url, { transports: ['websocket'], forceNew: true, reconnectionDelay: 100 });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    const disconnected = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    const reconnecting = new Promise<void>((resolve) => socket.io.once('reconnect_attempt', () => resolve()));
    const inFlight = await inFlightOn(node, node.url);
    const signalledAt = Date.now();
    node.child.kill('SIGTERM');

    const during = await waitFor(
      async () => {
        const r = await readiness(node.metricsUrl);
        return r.status === 503 ? r : null;
      },
      5_000,
      'readiness 503 while draining',
    );
    expect(during.body.checks).toEqual({ drain: 'draining' });
    // Sockets are closed at the transport, the reason for which the client reconnects (through the balancer).
    expect(await disconnected).toBe('transport close');
    await reconnecting;
    socket.close();
    // The public port accepts no new connection; the process is still there, waiting for the request.
    await expect(fetch(`${node.url}/healthz`)).rejects.toThrow();
    expect(node.child.exitCode).toBeNull();

    inFlight.finish();
    const res = await inFlight.response;
    expect(res.statusCode).toBe(201);
    const exit = await node.exited;
    expect(exit.code).toBe(0);
    expect(exit.at - signalledAt).toBeLessThan(10_000);
  });

  it('a request that never finishes does not hold the exit past DRAIN_TIMEOUT_MS', async () => {
    const node = await startProcess('web', 1_500);
    const inFlight = await inFlightOn(node, node.url);
    inFlight.response.catch(() => {});
    const signalledAt = Date.now();
    node.child.kill('SIGTERM');
    const exit = await node.exited;
    expect(exit.code).toBe(0);
    expect(exit.at - signalledAt).toBeGreaterThanOrEqual(1_400);
    expect(exit.at - signalledAt).toBeLessThan(6_000);
    await expect(inFlight.response).rejects.toThrow();
  });

  it('a worker closes its job workers (BullMQ close: current jobs finish) and exits on SIGTERM', async () => {
    const worker = await startProcess('worker', 5_000);
    expect((await fetch(`${worker.metricsUrl}/metrics`)).status).toBe(200);
    worker.child.kill('SIGTERM');
    const exit = await worker.exited;
    expect(exit.code, worker.stderr()).toBe(0);
  });
});
