import { describe, expect, it } from 'vitest';
import { createSessionHolds } from '../src/auth/session-holds.ts';
import { createLogger } from '../src/observability/logger.ts';
import { fileRedis } from './support/redis-target.ts';

const { redis, prefix } = fileRedis();
const logger = createLogger({ logLevel: 'silent' });

describe('session holds (the buyer session record behind "my orders")', () => {
  it('records every hold noted in one turn of the event loop, per session, newest first', async () => {
    const holds = createSessionHolds(redis, prefix, logger);
    for (let i = 0; i < 30; i++) holds.note(i % 2 ? 'session-b' : 'session-a', `hold-${i}`);
    // Read without waiting: the read sees what was noted before it.
    const [a, b] = await Promise.all([holds.holdIds('session-a'), holds.holdIds('session-b')]);
    expect(a).toHaveLength(15);
    expect(b).toHaveLength(15);
    expect(a.every((id) => Number(id.slice(5)) % 2 === 0)).toBe(true);
    expect(b.every((id) => Number(id.slice(5)) % 2 === 1)).toBe(true);
    expect(await redis.ttl(`${prefix}:buyer-session:session-a:holds`)).toBeGreaterThan(0);
  });

  it('writes one batch for many sessions, wherever their keys live (one slot each on a Redis Cluster)', async () => {
    const holds = createSessionHolds(redis, prefix, logger);
    const sessions = Array.from({ length: 24 }, (_, i) => `session-many-${i}`);
    for (const s of sessions) holds.note(s, `hold-of-${s}`);
    await holds.flush();
    for (const s of sessions) {
      expect(await holds.holdIds(s)).toEqual([`hold-of-${s}`]);
      expect(await redis.ttl(`${prefix}:buyer-session:${s}:holds`)).toBeGreaterThan(0);
    }
  });

  it('keeps the newest 500 holds of a session', async () => {
    let now = Date.parse('2026-01-01T12:00:00Z');
    const holds = createSessionHolds(redis, prefix, logger, () => now);
    for (let i = 0; i < 520; i++) {
      holds.note('session-c', `hold-${i}`);
      now++; // each hold a millisecond after the one before
      if (i % 100 === 99) await holds.flush(); // several batches: the trim also applies across writes
    }
    const ids = await holds.holdIds('session-c');
    expect(ids).toHaveLength(500);
    expect(ids).toContain('hold-519');
    expect(ids).not.toContain('hold-0');
    expect(ids).toEqual(Array.from({ length: 500 }, (_, i) => `hold-${519 - i}`));
  });
});

describe('session holds at shutdown', () => {
  it('flush() writes what is waiting at once, and a read already waiting is answered', async () => {
    const holds = createSessionHolds(redis, prefix, logger);
    holds.note('session-d', 'hold-1');
    const reading = holds.holdIds('session-d');
    await holds.flush();
    expect(await reading).toEqual(['hold-1']);
    expect(await redis.zrange(`${prefix}:buyer-session:session-d:holds`, '0', '-1')).toEqual(['hold-1']);
    await holds.flush(); // nothing waiting: a no-op
  });
});
