/**
 * The one way to start N web nodes and M workers behind the repo's nginx on one machine: `npm run cluster`,
 * bench/fanout and bench/chaos use it. nginx runs deploy/nginx/seatrush.conf as it is — only its listen port, pid,
 * logs and temp paths moved into the run's directory — with an upstream.conf beside it that lists this run's web
 * nodes (weighted round-robin, WebSocket upgrade as the repo's config has them). Every node trusts X-Forwarded-*
 * from loopback (TRUST_PROXY), where nginx is, and serves /metrics and health on its own operations port, which
 * nginx does not forward. Whatever it starts, `stop()` stops: nodes with SIGTERM (they drain), then nginx.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { SetupError } from './services.ts';

export type Role = 'web' | 'worker';

export interface NodeProcess {
  role: Role;
  /** `web-1`, `worker-2`, … (its log file is `<name>.log` in the run's directory). */
  name: string;
  /** The public port (web nodes only). */
  port: number | null;
  metricsPort: number;
  /** `http://127.0.0.1:<metricsPort>`: /metrics, /healthz, /readyz. */
  metricsUrl: string;
  /** The running process (replaced by `restart`). */
  child(): ChildProcess;
  /** Sends a signal (`SIGKILL` for a crash) and waits for the exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again with the same ports and environment; resolves once it serves (/healthz). */
  restart(): Promise<void>;
}

export interface ClusterOptions {
  root: string;
  /** Where the nginx config, its temp files and the node logs go. */
  workDir: string;
  /** nginx's port: the one URL. */
  port: number;
  web: number;
  workers: number;
  /** The web nodes' ports (default port+1 …). */
  webPorts?: number[];
  /** The operations ports, web nodes first, then workers (default: the ports after the web nodes'). */
  metricsPorts?: number[];
  /** nginx weight per web node (default 1 each). */
  weights?: number[];
  /** Environment of every node (REDIS_URL, DATABASE_URL, secrets, …). */
  env: NodeJS.ProcessEnv;
  /** Extra `node` flags for every node (e.g. --cpu-prof). */
  nodeArgs?: string[];
  /** Node logs: a file per node in workDir (default), or this process's stdout/stderr. */
  logs?: 'files' | 'inherit';
  /** Called when a node exits that nobody asked to stop (a crash). */
  onUnexpectedExit?: (node: NodeProcess, code: number | null, signal: string | null) => void;
  /** nginx worker processes (default 1: the machine is shared with the nodes). */
  nginxWorkers?: number | 'auto';
  /** How long `restart`/start wait for a node's readiness (ms). */
  readyTimeoutMs?: number;
}

export interface Cluster {
  /** `http://127.0.0.1:<port>`: nginx. */
  url: string;
  webs: NodeProcess[];
  workers: NodeProcess[];
  nginx: ChildProcess;
  stop(): Promise<void>;
}

/** A free TCP port on loopback (the kernel's choice). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Throws when something already listens on `port` (a balancer answering for another run would fool us). */
export function assertPortFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', () => reject(new SetupError(`Port ${port} is in use: choose other ports (--port).`)));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve()));
  });
}

/** Polls `url` until it answers 2xx (or the process given has exited). */
export async function waitHttp(url: string, timeoutMs = 60_000, child?: ChildProcess): Promise<void> {
  const until = Date.now() + timeoutMs;
  let last: string;
  for (;;) {
    if (child && (child.exitCode !== null || child.signalCode !== null))
      throw new SetupError(`the process behind ${url} exited (${child.exitCode ?? child.signalCode})`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
      last = `${res.status} ${await res.text()}`;
    } catch (e) {
      last = (e as Error).message;
    }
    if (Date.now() > until) throw new SetupError(`${url} did not answer in time (${last})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export function nginxBinary(): string {
  const found =
    ['/usr/sbin/nginx', '/usr/bin/nginx', '/usr/local/sbin/nginx'].find((p) => existsSync(p)) ??
    (spawnSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' }).stdout.trim() || null);
  if (!found)
    throw new SetupError(
      'nginx is not installed: install the Debian package "nginx-light" (apt-get install nginx-light).',
    );
  return found;
}

/**
 * Writes the repo's nginx config into `dir` with this run's listen port, pid, error log and temp paths, and an
 * upstream.conf beside it listing `upstreams` (weighted round-robin). Returns the config file's path.
 */
export function writeNginxConfig(
  root: string,
  dir: string,
  port: number,
  upstreams: Array<{ port: number; weight?: number }>,
  workers: number | 'auto' = 1,
): string {
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o755); // nginx's workers run as another user when started by root
  const conf = readFileSync(join(root, 'deploy/nginx/seatrush.conf'), 'utf8')
    .replace(/listen\s+8080(\s+backlog=\d+)?;/, `listen 127.0.0.1:${port}$1;`)
    .replace(/pid\s+[^;]+;/, `pid ${dir}/nginx.pid;`)
    .replace(/error_log\s+[^;]+;/, `error_log ${dir}/nginx-error.log warn;`)
    .replace(/worker_processes\s+[^;]+;/, `worker_processes ${workers};`)
    .replace(/client_body_temp_path\s+[^;]+;/, `client_body_temp_path ${dir}/body;`)
    .replace(/proxy_temp_path\s+[^;]+;/, `proxy_temp_path ${dir}/proxy;`);
  if (!new RegExp(`listen 127\\.0\\.0\\.1:${port}[ ;]`).test(conf))
    throw new SetupError('deploy/nginx/seatrush.conf: could not set the listen port');
  const servers = upstreams
    .map((u) => `  server 127.0.0.1:${u.port} weight=${u.weight ?? 1} max_fails=3 fail_timeout=5s;`)
    .join('\n');
  const upstream = readFileSync(join(root, 'deploy/nginx/upstream.conf'), 'utf8').replace(
    /upstream seatrush_web \{[\s\S]*?\n\}/,
    `upstream seatrush_web {\n${servers}\n  keepalive 64;\n}`,
  );
  writeFileSync(join(dir, 'upstream.conf'), upstream);
  const file = join(dir, 'seatrush.conf');
  writeFileSync(file, conf);
  return file;
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
  });
}

/** Starts nginx with the repo's config in front of the given web ports; resolves once it answers. */
export async function startNginx(
  root: string,
  dir: string,
  port: number,
  upstreams: Array<{ port: number; weight?: number }>,
  workers: number | 'auto' = 1,
): Promise<ChildProcess> {
  const file = writeNginxConfig(root, dir, port, upstreams, workers);
  const nginx = spawn(nginxBinary(), ['-p', dir, '-c', file, '-g', 'daemon off;'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitHttp(`http://127.0.0.1:${port}/healthz`, 15_000, nginx);
  return nginx;
}

/** Starts the nodes, then nginx in front of the web nodes; resolves once every node is ready and nginx answers. */
export async function startCluster(o: ClusterOptions): Promise<Cluster> {
  mkdirSync(o.workDir, { recursive: true });
  const webPorts = o.webPorts ?? Array.from({ length: o.web }, (_, i) => o.port + 1 + i);
  const metricsPorts =
    o.metricsPorts ?? Array.from({ length: o.web + o.workers }, (_, i) => o.port + 1 + o.web + i);
  if (webPorts.length < o.web || metricsPorts.length < o.web + o.workers)
    throw new SetupError('startCluster: fewer ports than nodes');
  for (const port of [o.port, ...webPorts.slice(0, o.web), ...metricsPorts.slice(0, o.web + o.workers)])
    await assertPortFree(port);
  const url = `http://127.0.0.1:${o.port}`;
  let stopping = false;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // nginx (loopback) is the one hop in front: its X-Forwarded-* are believed, so clients are told apart.
    TRUST_PROXY: 'loopback',
    // The sandbox provider's webhooks (sent by a worker) go through the balancer, to whichever node is up.
    PAYMENT_WEBHOOK_URL: `${url}/api/payments/webhook`,
    ...o.env,
  };
  const node = (role: Role, index: number, port: number | null, metricsPort: number): NodeProcess => {
    const name = `${role}-${index + 1}`;
    let child: ChildProcess;
    let expected = false;
    const spawnIt = () => {
      const out = o.logs === 'inherit' ? 'inherit' : openSync(join(o.workDir, `${name}.log`), 'a');
      child = spawn(
        process.execPath,
        [...(o.nodeArgs ?? []), '--import', 'tsx', join(o.root, 'apps/server/src/main.ts'), '--role', role],
        {
          cwd: o.root,
          stdio: ['ignore', out, out],
          env: { ...env, ...(port ? { PORT: String(port) } : {}), METRICS_PORT: String(metricsPort) },
        },
      );
      expected = false;
      const mine = child;
      mine.once('exit', (code, signal) => {
        if (!stopping && !expected && o.onUnexpectedExit) o.onUnexpectedExit(p, code, signal);
      });
    };
    const p: NodeProcess = {
      role,
      name,
      port,
      metricsPort,
      metricsUrl: `http://127.0.0.1:${metricsPort}`,
      child: () => child,
      async kill(signal = 'SIGTERM') {
        expected = true;
        child.kill(signal);
        await exited(child);
      },
      async restart() {
        if (child.exitCode === null && child.signalCode === null) await p.kill('SIGTERM');
        spawnIt();
        // Up and serving (liveness): readiness may rightly stay 503 a while (a dependency that is itself down).
        await waitHttp(`${p.metricsUrl}/healthz`, o.readyTimeoutMs ?? 180_000, child);
      },
    };
    spawnIt();
    return p;
  };
  const webs = webPorts.slice(0, o.web).map((port, i) => node('web', i, port, metricsPorts[i]!));
  const workers = Array.from({ length: o.workers }, (_, i) =>
    node('worker', i, null, metricsPorts[o.web + i]!),
  );
  const all = [...webs, ...workers];
  let nginx: ChildProcess | null = null;
  // Should this process end without stop() (an uncaught error, a signal handler that exits), take the nodes along.
  const onExit = () => {
    for (const c of [...all.map((n) => n.child()), nginx])
      if (c && c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  };
  process.on('exit', onExit);
  const stop = async () => {
    stopping = true;
    process.off('exit', onExit);
    await Promise.all(
      all.map(async (n) => {
        const c = n.child();
        if (c.exitCode !== null || c.signalCode !== null) return;
        // The nodes drain (DRAIN_TIMEOUT_MS, 10 s by default) and then exit; a node that hangs is killed.
        const t = setTimeout(() => c.kill('SIGKILL'), 20_000);
        await n.kill('SIGTERM');
        clearTimeout(t);
      }),
    );
    if (nginx && nginx.exitCode === null) {
      nginx.kill('SIGTERM');
      await exited(nginx);
    }
  };
  try {
    await Promise.all(
      all.map((n) => waitHttp(`${n.metricsUrl}/readyz`, o.readyTimeoutMs ?? 180_000, n.child())),
    );
    nginx = await startNginx(
      o.root,
      o.workDir,
      o.port,
      webs.map((w, i) => ({ port: w.port!, weight: o.weights?.[i] ?? 1 })),
      o.nginxWorkers ?? 1,
    );
  } catch (e) {
    await stop();
    throw e;
  }
  return { url, webs, workers, nginx, stop };
}
