import type { Redis } from '../db/redis.ts';
import { randomSecret, sha256 } from './secrets.ts';

export interface StaffSession {
  staffId: string;
  role: 'admin' | 'box_office' | 'door';
  createdAt: number;
}

/** 12 hours, renewed by every request (sliding). */
export const SESSION_TTL_SECONDS = 12 * 60 * 60;

/**
 * Staff sessions in Redis, so every node accepts a session any node created. The cookie carries a random id;
 * Redis holds only its sha256 (`<prefix>:session:<sha256(id)>`). Each staff member's sessions are indexed
 * (`<prefix>:staff-sessions:<staffId>`) so a role change, password change or deactivation can end them all.
 * Keys are built from the configured prefix only; there is no ioredis `keyPrefix`.
 */
export class SessionStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlSeconds = SESSION_TTL_SECONDS,
  ) {}

  private key(hash: string) {
    return `${this.prefix}:session:${hash}`;
  }

  private indexKey(staffId: string) {
    return `${this.prefix}:staff-sessions:${staffId}`;
  }

  /** Starts a session; returns the id to put in the cookie (never stored). */
  async create(staffId: string, role: StaffSession['role']): Promise<string> {
    const id = randomSecret();
    const hash = sha256(id);
    const data: StaffSession = { staffId, role, createdAt: Date.now() };
    // The index has no TTL (a session can slide for days); expired members are pruned here instead.
    const known = await this.redis.smembers(this.indexKey(staffId));
    const alive = known.length ? await this.redis.mget(known.map((h) => this.key(h))) : [];
    const dead = known.filter((_, i) => alive[i] === null);
    const multi = this.redis
      .multi()
      .set(this.key(hash), JSON.stringify(data), 'EX', this.ttlSeconds)
      .sadd(this.indexKey(staffId), hash);
    if (dead.length) multi.srem(this.indexKey(staffId), ...dead);
    await multi.exec();
    return id;
  }

  /** The session, renewing its TTL; null when unknown or expired. */
  async touch(id: string): Promise<StaffSession | null> {
    const raw = await this.redis.getex(this.key(sha256(id)), 'EX', this.ttlSeconds);
    if (!raw) return null;
    try {
      return JSON.parse(raw) as StaffSession;
    } catch {
      return null;
    }
  }

  async revoke(id: string): Promise<void> {
    const hash = sha256(id);
    const raw = await this.redis.get(this.key(hash));
    const multi = this.redis.multi().del(this.key(hash));
    if (raw) multi.srem(this.indexKey((JSON.parse(raw) as StaffSession).staffId), hash);
    await multi.exec();
  }

  /** Ends every session of a staff member. Returns how many were live. */
  async revokeAll(staffId: string): Promise<number> {
    const hashes = await this.redis.smembers(this.indexKey(staffId));
    const multi = this.redis.multi();
    for (const h of hashes) multi.del(this.key(h));
    multi.del(this.indexKey(staffId));
    const results = (await multi.exec()) ?? [];
    return results.slice(0, hashes.length).reduce((n, [, deleted]) => n + Number(deleted ?? 0), 0);
  }
}
