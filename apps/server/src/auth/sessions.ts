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
 * Keys are built from the configured prefix only; there is no ioredis `keyPrefix`. No command or transaction spans
 * two keys, so the store works on a Redis Cluster (where a session and its index lie in different slots).
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
    // A session key and its staff member's index live in different slots on a Redis Cluster, so no transaction
    // spans them: the index is written first, then the session. A failure in between leaves an index entry
    // without a session (pruned below, next time) — never a session that revokeAll cannot find.
    // The index has no TTL (a session can slide for days); expired members are pruned here instead.
    const index = this.indexKey(staffId);
    const known = await this.redis.smembers(index);
    const alive = await Promise.all(known.map((h) => this.redis.exists(this.key(h))));
    const dead = known.filter((_, i) => alive[i] === 0);
    await this.redis.sadd(index, hash);
    await this.redis.set(this.key(hash), JSON.stringify(data), 'EX', this.ttlSeconds);
    if (dead.length) await this.redis.srem(index, ...dead);
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
    // The session first (it ends here), then its index entry (one key per command: any slot layout).
    await this.redis.del(this.key(hash));
    if (raw) await this.redis.srem(this.indexKey((JSON.parse(raw) as StaffSession).staffId), hash);
  }

  /** Ends every session of a staff member. Returns how many were live. */
  async revokeAll(staffId: string): Promise<number> {
    const index = this.indexKey(staffId);
    const hashes = await this.redis.smembers(index);
    // One DEL per session (each key has its own slot on a cluster); then only the members read are removed, so a
    // session started meanwhile stays indexed (and revocable).
    const deleted = await Promise.all(hashes.map((h) => this.redis.del(this.key(h))));
    if (hashes.length) await this.redis.srem(index, ...hashes);
    return deleted.reduce((n, d) => n + d, 0);
  }
}
