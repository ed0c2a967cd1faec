/** Node's own timer, taken before any test can swap in fake timers: polling must go on while they are installed. */
const realSetTimeout = globalThis.setTimeout;

/**
 * The one polling helper of the server tests. Waits for what another process or connection does in its own time
 * (a BullMQ worker, another node, a pub/sub message, a fire-and-forget write): calls `check` until it returns a
 * truthy value and returns that value. A throw — a failed `expect` too — counts as "not yet", and the last one is
 * what the timeout reports, its diff included. Checks come quickly at first (5 ms), then every 25 ms.
 *
 * Not for time itself, nor for "nothing else happened": a test that needs time to pass injects a clock (or uses
 * fake timers), and one that asserts an absence first waits for the signal that the work is done (an ack, a
 * drained queue), then asserts.
 */
export async function waitFor<T>(
  check: () => T | null | undefined | false | Promise<T | null | undefined | false>,
  timeoutMs = 30_000,
  what = 'condition',
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (let pause = 5; ; pause = Math.min(25, pause * 2)) {
    try {
      const v = await check();
      if (v) return v;
      last = undefined;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) {
      if (last instanceof Error) {
        last.message = `timed out waiting for ${what}: ${last.message}`;
        throw last;
      }
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((r) => realSetTimeout(r, pause));
  }
}
