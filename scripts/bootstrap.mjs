#!/usr/bin/env node
// The only script that runs before dependencies exist: it needs nothing but Node and npm.
// It makes sure the pinned pnpm and the workspace dependencies are installed, then hands over to
// scripts/stack.ts (TypeScript, run by tsx) which finds or starts the services and does the real work.
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const PNPM_VERSION = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager.split(
  '@',
)[1];

function fail(sentence) {
  process.stderr.write(`seatrush: ${sentence}\n`);
  process.exit(1);
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  return r.status === 0;
}

function pnpmCommand() {
  const local = join(root, '.tools', 'node_modules', '.bin', 'pnpm');
  const probe = spawnSync('pnpm', ['--version'], { encoding: 'utf8' });
  if (probe.status === 0 && probe.stdout.trim() === PNPM_VERSION) return 'pnpm';
  if (existsSync(local)) return local;
  process.stdout.write(`Installing pnpm ${PNPM_VERSION} into .tools/ ...\n`);
  if (
    !run(
      'npm',
      ['install', '--prefix', join(root, '.tools'), '--no-audit', '--no-fund', `pnpm@${PNPM_VERSION}`],
      { stdio: 'ignore' },
    )
  )
    fail(`could not install pnpm ${PNPM_VERSION} with npm; check that the npm registry is reachable.`);
  return local;
}

function depsAreCurrent() {
  const marker = join(root, 'node_modules', '.modules.yaml');
  if (!existsSync(marker)) return false;
  return statSync(marker).mtimeMs >= statSync(join(root, 'pnpm-lock.yaml')).mtimeMs;
}

const pnpm = pnpmCommand();
if (!depsAreCurrent()) {
  process.stdout.write('Installing dependencies (pnpm install --frozen-lockfile) ...\n');
  if (!run(pnpm, ['install', '--frozen-lockfile'], { env: { ...process.env, CI: 'true' } }))
    fail('pnpm install failed; see the messages above.');
}

// `node --import tsx` rather than the tsx CLI: one process, so signals reach the stack script directly.
const child = spawn(
  process.execPath,
  ['--import', 'tsx', join(root, 'scripts', 'stack.ts'), ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, SEATRUSH_PNPM: pnpm },
  },
);
// The stack script owns shutdown; forward signals and mirror its exit.
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
