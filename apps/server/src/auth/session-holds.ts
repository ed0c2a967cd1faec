import type { ChainableCommander } from 'ioredis';
import { isCluster, type Redis } from '../db/redis.ts';
import type { Logger } from '../observability/logger.ts';
import { SESSION_TTL_SECONDS } from './buyer.ts';

/**
 * The holds each buyer session made, so "my orders" lists only orders made in that session. A guest session is an
 * email *claim* — anyone can open one for any address — so listing every order of the email would hand a
 * stranger the buyer's order codes (and with them the tickets and refunds); an order made elsewhere is found with
 * its code and email instead. A sorted set per session (hold id, scored by time), trimmed to the newest
 * MAX_PER_SESSION and kept as long as the session lives.
 *
 * `note` is on the hold hot path, so notes are written in batches: everything noted within FLUSH_MS goes to Redis
 * in one pipeline (one ZADD, trim and EXPIRE per session), not one round trip per hold — in a rush that is one
 * write for hundreds of holds, and when holds trickle in over sockets it still spares most writes. A read waits
 * for the notes before it, so a session always lists its own holds.
 */
export interface SessionHolds {
  /** Records a hold of the session. Fire and forget: a failure only leaves the order out of the list. */
  note(sessionId: string, holdId: string): void;
  /** The session's hold ids, newest first. Includes every hold noted before the call. */
  holdIds(sessionId: string): Promise<string[]>;
  /** Writes what is still waiting (at shutdown, before Redis closes). */
  flush(): Promise<void>;
}

const MAX_PER_SESSION = 500;
const FLUSH_MS = 20;

/** `now` scores the notes (ms); tests pass their own clock to order holds without waiting. */
export function createSessionHolds(
  redis: Redis,
  prefix: string,
  logger: Logger,
  now: () => number = () => Date.now(),
): SessionHolds {
  const key = (sessionId: string) => `${prefix}:buyer-session:${sessionId}:holds`;
  /** Notes not yet sent: session id → flat [score, holdId, score, holdId, ...] for ZADD. */
  let pending = new Map<string, (string | number)[]>();
  /** The scheduled write of `pending`, and the promise a read waits on (resolved once it is written). */
  let scheduled: { timer: NodeJS.Timeout; written: Promise<void>; resolve: () => void } | null = null;

  const warn = (err: unknown, sessions: number) =>
    logger.warn({ err, sessions }, 'could not record the session of holds');
  const add = (p: ChainableCommander, sessionId: string, members: (string | number)[]) => {
    const k = key(sessionId);
    p.zadd(k, ...members)
      .zremrangebyrank(k, 0, -(MAX_PER_SESSION + 1))
      .expire(k, SESSION_TTL_SECONDS);
  };
  const failure = (results: [Error | null, unknown][] | null) => results?.find(([err]) => err)?.[0];

  const write = (batch: Map<string, (string | number)[]>): Promise<void> => {
    if (isCluster(redis)) {
      // A pipeline on a Redis Cluster must stay on one node and each session's key has its own slot: one pipeline
      // per session (ioredis sends those of one node together).
      return Promise.all(
        [...batch].map(([sessionId, members]) => {
          const p = redis.pipeline();
          add(p, sessionId, members);
          return p.exec();
        }),
      ).then(
        (all) => {
          const failed = all.map(failure).find(Boolean);
          if (failed) warn(failed, batch.size);
        },
        (err: unknown) => warn(err, batch.size),
      );
    }
    const p = redis.pipeline();
    for (const [sessionId, members] of batch) add(p, sessionId, members);
    return p.exec().then(
      (results) => {
        const failed = failure(results);
        if (failed) warn(failed, batch.size);
      },
      (err: unknown) => warn(err, batch.size),
    );
  };

  const flush = (): Promise<void> => {
    const s = scheduled;
    scheduled = null;
    if (s) clearTimeout(s.timer);
    const batch = pending;
    pending = new Map();
    const done = batch.size ? write(batch) : Promise.resolve();
    if (s) void done.then(s.resolve);
    return done;
  };

  return {
    note(sessionId, holdId) {
      let members = pending.get(sessionId);
      if (!members) pending.set(sessionId, (members = []));
      members.push(now(), holdId);
      if (!scheduled) {
        let resolve!: () => void;
        const written = new Promise<void>((r) => (resolve = r));
        scheduled = { timer: setTimeout(() => void flush(), FLUSH_MS), written, resolve };
      }
    },
    async holdIds(sessionId) {
      if (scheduled) await scheduled.written;
      return redis.zrevrange(key(sessionId), 0, -1);
    },
    flush,
  };
}
