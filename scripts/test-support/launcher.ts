/**
 * What the tests of the launchers (`npm start`: stack.test.ts, `npm run cluster`: cluster.test.ts) share: run
 * `node scripts/bootstrap.mjs <command> …` from the repository root, wait for its ready line, and stop it as a person
 * does — Ctrl-C — checking that it exits cleanly and leaves no process it started behind.
 */
import { execFileSync, spawn, type ChildProcessByStdio } from 'node:child_process';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { expect, onTestFailed } from 'vitest';

export const root = join(import.meta.dirname, '..', '..');

/** Every descendant pid of `pid` (ps is in procps on Debian). */
export function descendants(pid: number): number[] {
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

export const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

export interface Launched {
  /** What follows `scripts/bootstrap.mjs` (`start`, `cluster --web 2`, …). */
  args: string[];
  child: ChildProcessByStdio<null, Readable, Readable>;
  /** Its stdout and stderr so far, interleaved. */
  output(): string;
  /** Its stderr alone. */
  errors(): string;
}

/**
 * Starts `node scripts/bootstrap.mjs …args` with `env` (stdout and stderr collected), inside a test: should the test
 * fail, the launcher gets Ctrl-C, so a failed expectation leaves nothing running.
 */
export function launch(args: string[], env: NodeJS.ProcessEnv): Launched {
  const child = spawn(process.execPath, ['scripts/bootstrap.mjs', ...args], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  onTestFailed(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
  });
  let output = '';
  let errors = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => {
    output += d.toString();
    errors += d.toString();
  });
  return { args, child, output: () => output, errors: () => errors };
}

/**
 * The first line of its output that starts with `prefix` (its ready line); rejects with the whole output when the
 * launcher exits first or prints no such line within `timeoutMs`.
 */
export function readyLine(l: Launched, prefix: string, timeoutMs: number): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no ready line within ${timeoutMs / 1000} s:\n${l.output()}`)),
      timeoutMs,
    );
    l.child.stdout.on('data', () => {
      const line = l
        .output()
        .split('\n')
        .find((s) => s.startsWith(prefix));
      if (line) {
        clearTimeout(timer);
        resolve(line);
      }
    });
    l.child.on('exit', (code) =>
      reject(new Error(`bootstrap.mjs ${l.args.join(' ')} exited (${code}) before ready:\n${l.output()}`)),
    );
  });
}

/**
 * Ctrl-C, as a person stops it: the launcher exits 0 or 130 (the conventional exit after Ctrl-C), and every process
 * it had started (more than `atLeast` of them) is gone — grandchildren such as tsx's esbuild service notice their
 * parent is gone within moments, not instantly.
 */
export async function stopWithCtrlC(l: Launched, atLeast = 0): Promise<void> {
  const tree = descendants(l.child.pid!);
  expect(tree.length).toBeGreaterThan(atLeast);
  const exited = new Promise<number | null>((resolve) => l.child.on('exit', (code) => resolve(code)));
  l.child.kill('SIGINT');
  expect([0, 130]).toContain(await exited);
  for (let i = 0; i < 50 && tree.some(alive); i++) await new Promise((r) => setTimeout(r, 200));
  expect(tree.filter(alive)).toEqual([]);
}

/** Runs the launcher to its end (one that should refuse to start): its exit code and what it wrote to stderr. */
export async function runToExit(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; err: string }> {
  const l = launch(args, env);
  // 'close', not 'exit': by then its output has all been read.
  const code = await new Promise<number | null>((resolve) => l.child.on('close', resolve));
  return { code, err: l.errors() };
}
