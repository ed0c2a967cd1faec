/**
 * `npm test` must fail when a test fails. The server project's global setup (vitest's main process) loads the
 * scripts' service helpers; a package among them that installed process exit hooks once turned every failed run
 * into exit code 0, so CI passed whatever broke. This runs a test that fails on purpose, on a single Redis and on a
 * Redis Cluster (SEATRUSH_TEST_REDIS=cluster), and expects vitest to say so in its exit code.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const vitest = join(root, 'node_modules', '.bin', 'vitest');

function probe(env: NodeJS.ProcessEnv) {
  return spawnSync(vitest, ['run', '--project', 'server', 'apps/server/test/runner-probe.int.test.ts'], {
    cwd: root,
    env: { ...process.env, ...env, SEATRUSH_RUNNER_PROBE: '1' },
    encoding: 'utf8',
    timeout: 180_000,
  });
}

describe('the test runner', () => {
  it('exits non-zero when a server test fails, on a single Redis and on a Redis Cluster', () => {
    for (const env of [
      { SEATRUSH_TEST_REDIS: '' },
      { SEATRUSH_TEST_REDIS: 'cluster', REDIS_CLUSTER_NODES: '' },
    ]) {
      const r = probe(env);
      expect(r.stdout + r.stderr).toMatch(/1 failed/);
      expect(r.status, `SEATRUSH_TEST_REDIS=${env.SEATRUSH_TEST_REDIS}`).toBe(1);
    }
  }, 360_000);
});
