/** Starting a Seatrush server process for a bench: the same command, profile switch, ports and readiness wait. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './processes.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const tsx = path.join(REPO, 'node_modules/.bin/tsx');

/**
 * Whether a bench pins its processes to cores (the node on core 0, the load tool on core 1), so they do not take
 * turns on one core. BENCH_PIN=0 leaves placement to the scheduler; so does a one-core machine or one without taskset.
 */
export const PIN =
  process.env.BENCH_PIN !== '0' &&
  os.cpus().length >= 2 &&
  spawnSync('taskset', ['-c', '0', 'true']).status === 0;

/** `cmd args` run on `core` when pinning (taskset), as given otherwise. */
export const onCore = (core: number, cmd: string, args: string[]): [string, string[]] =>
  PIN ? ['taskset', ['-c', String(core), cmd, ...args]] : [cmd, args];

export interface ServerNode {
  /** The process (its pid is the tree `treeCpuMs` measures). */
  child: ChildProcess;
  port: number;
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** SIGTERM (the node drains and, under BENCH_CPU_PROF, writes its profile); resolves once it has exited. */
  stop(): Promise<void>;
}

/**
 * Starts `apps/server/src/main.ts --role <role>` (default web) from the repository root with `env` over this
 * process's, on a free port with an operations port of its own, and resolves once its /healthz answers. Throws if
 * it exits first or does not answer within `readyMs` (then it is stopped). `core`: pinned there (see PIN).
 * BENCH_CPU_PROF=<dir> runs it under `node --cpu-prof`: a V8 CPU profile of the node is written there when it stops.
 */
export async function startServerNode(opts: {
  env: Record<string, string>;
  role?: 'web' | 'worker' | 'all';
  core?: number;
  /** Where its stdout goes (stderr is always this process's). */
  stdout?: 'ignore' | 'inherit';
  readyMs?: number;
}): Promise<ServerNode> {
  const [port, metricsPort] = [await freePort(), await freePort()];
  const prof = process.env.BENCH_CPU_PROF;
  const [cmd, prefix] = prof
    ? [process.execPath, ['--cpu-prof', '--cpu-prof-dir', prof, '--import', 'tsx']]
    : [tsx, []];
  const args = [...prefix, 'apps/server/src/main.ts', '--role', opts.role ?? 'web'];
  const [file, argv] = opts.core === undefined ? [cmd, args] : onCore(opts.core, cmd, args);
  const child: ChildProcess = spawn(file, argv, {
    cwd: REPO,
    env: { ...process.env, ...opts.env, PORT: String(port), METRICS_PORT: String(metricsPort) },
    stdio: ['ignore', opts.stdout ?? 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const running = () => child.exitCode === null && child.signalCode === null;
  const url = `http://127.0.0.1:${port}`;
  const node: ServerNode = {
    child,
    port,
    url,
    async stop() {
      if (running()) child.kill('SIGTERM');
      await exited;
    },
  };
  try {
    for (const until = Date.now() + (opts.readyMs ?? 90_000); ;) {
      const ok = await fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return node;
      if (!running())
        throw new Error(`the server node exited (${child.exitCode ?? child.signalCode}) before it was ready`);
      if (Date.now() > until) throw new Error(`the server node did not answer at ${url}/healthz`);
      await new Promise((r) => setTimeout(r, 200));
    }
  } catch (e) {
    await node.stop();
    throw e;
  }
}
