import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Envelope } from '@seatrush/shared';
import { command } from './ack.ts';

/**
 * The socket adapter answers like HTTP does (issue 14): a NUL character is refused before the use case runs
 * (`validation_failed` naming the field), and PostgreSQL or Redis being down is `unavailable` with
 * `details.retryAfterSeconds`, not `internal`.
 */

const ctx = { log: pino({ level: 'silent' }), allow: () => true };

function call<T>(run: (p: { name: string; tags: string[] }) => Promise<T>, payload: unknown) {
  let ran = false;
  const handler = command(ctx, 'thing:do', z.object({ name: z.string(), tags: z.array(z.string()) }), (p) => {
    ran = true;
    return run(p);
  });
  return new Promise<{ ack: Envelope<T>; ran: boolean }>((resolve) =>
    handler(payload, (ack: Envelope<T>) => resolve({ ack, ran })),
  );
}

describe('socket commands', () => {
  it('refuse a NUL character anywhere in the payload, naming where, without running the use case', async () => {
    const { ack, ran } = await call(() => Promise.resolve(1), { name: 'ok', tags: ['a', 'b\u0000'] });
    expect(ran).toBe(false);
    expect(ack.ok).toBe(false);
    if (!ack.ok) {
      expect(ack.error.code).toBe('validation_failed');
      expect(ack.error.issues).toEqual([{ path: 'tags.1', message: expect.stringMatching(/NUL/) as string }]);
    }
  });

  it('answer an outage of PostgreSQL or Redis with unavailable', async () => {
    const down = Object.assign(new Error('Connection is closed.'), {});
    const { ack } = await call(() => Promise.reject(down), { name: 'ok', tags: [] });
    expect(ack.ok).toBe(false);
    if (!ack.ok) {
      expect(ack.error.code).toBe('unavailable');
      expect(ack.error.details).toEqual({ retryAfterSeconds: expect.any(Number) as number });
    }
    const bug = await call(() => Promise.reject(new TypeError('x')), { name: 'ok', tags: [] });
    expect(bug.ack.ok === false && bug.ack.error.code).toBe('internal');
  });
});
