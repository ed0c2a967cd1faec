import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Db, type PrismaClient } from '../db/prisma.ts';
import { parseCookies } from './cookies.ts';
import { type Principal } from './principal.ts';

const { sql } = Db.Prisma;

/**
 * Buyer guest sessions: a buyer is an email address, no password. The session is a stateless signed token
 * (HMAC-SHA256 with the session secret) naming the buyer id and email, so every node verifies it without a
 * lookup. Browsers get it as the httpOnly `sr_buyer` cookie (SameSite=Lax); API clients send it back as
 * `X-Buyer-Token` or `Authorization: Bearer`.
 *
 * Token: `srb1.<buyerId>.<base64url email>.<expires (unix s)>.<session id>[.v].<base64url signature>`; the session
 * id is random per new session (holds record it: "my orders" lists the orders of one session, see
 * session-holds.ts). The optional `v` claim says the session proved its e-mail with a one-time code
 * (application/buyers/verify-email.ts re-issues the token with it, keeping the session id), so the hold path can
 * check verification without a database call. Without it the session is an e-mail *claim* (docs/buyers.md).
 */
export const BUYER_COOKIE = 'sr_buyer';
const TOKEN_PREFIX = 'srb1.';
const BEARER_PREFIX = `Bearer ${TOKEN_PREFIX}`;
export const SESSION_TTL_SECONDS = 30 * 24 * 3600;
const VERIFIED_CACHE_MAX = 20_000;

/** The parts of a request the resolver reads (so the hot path can pass a bare `http` request). */
export interface HeaderSource {
  headers: Record<string, string | string[] | undefined>;
  /** The connection (an `http` request's socket): its last credentials are remembered on it. */
  socket?: object;
}

export interface BuyerSessions {
  /**
   * A new session token. `verified`: the session proved its e-mail; `sessionId`: continue that session (its holds
   * stay its own) instead of starting a new one.
   */
  issue(
    buyerId: string,
    email: string,
    opts?: { verified?: boolean; sessionId?: string },
  ): { token: string; expiresAt: Date };
  /** The buyer a token names, or null when it is not a valid, unexpired buyer token. */
  verify(token: string): (Principal & { kind: 'buyer' }) | null;
  /** PrincipalResolver for the auth gate: cookie, `X-Buyer-Token`, or a bearer token that is a buyer token. */
  resolve(req: HeaderSource): Promise<Principal | null>;
  /** The same, synchronously (hot path). */
  resolveSync(req: HeaderSource): (Principal & { kind: 'buyer' }) | null;
  /** The id a new buyer row for `email` gets (`buyerIds`, keyed with this deployment's session secret). */
  buyerIdFor: BuyerIdFor;
}

export function createBuyerSessions(opts: { secret: string; now?: () => number }): BuyerSessions {
  const now = opts.now ?? Date.now;
  const buyerIdFor = buyerIds(opts.secret);
  const sign = (payload: string) =>
    createHmac('sha256', opts.secret).update(`seatrush-buyer-session.v1\n${payload}`).digest('base64url');
  // Verifying is one HMAC; the cache spares it for the repeat requests of a flash sale.
  const verified = new Map<string, { principal: Principal & { kind: 'buyer' }; exp: number }>();

  const verify = (token: string): (Principal & { kind: 'buyer' }) | null => {
    const hit = verified.get(token);
    if (hit) return hit.exp * 1000 > now() ? hit.principal : null;
    if (!token.startsWith(TOKEN_PREFIX) || token.length > 600) return null;
    const parts = token.split('.');
    if (parts.length !== 6 && parts.length !== 7) return null;
    const [, buyerId, emailB64, expRaw, sessionId] = parts as [string, string, string, string, string];
    const sig = parts[parts.length - 1]!;
    const claims = parts.length === 7 ? parts[5]! : null;
    if (claims !== null && claims !== 'v') return null;
    const expected = Buffer.from(
      sign(`${buyerId}.${emailB64}.${expRaw}.${sessionId}${claims === null ? '' : `.${claims}`}`),
    );
    const given = Buffer.from(sig);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    const exp = Number(expRaw);
    if (!Number.isInteger(exp) || exp * 1000 <= now()) return null;
    const principal = {
      kind: 'buyer' as const,
      buyerId,
      email: Buffer.from(emailB64, 'base64url').toString('utf8'),
      sessionId,
      verified: claims === 'v',
    };
    if (verified.size >= VERIFIED_CACHE_MAX) verified.clear();
    verified.set(token, { principal, exp });
    return principal;
  };

  // The principal as resolved from a request says how its token came (the CSRF check needs it); one object per
  // token and way, shared like `verified`'s, so a flood of identical requests allocates nothing. Keyed by the token
  // string itself, whose hash `verify` has just computed: no key is built per request.
  const viaHeader = new Map<string, Principal & { kind: 'buyer' }>();
  const viaCookie = new Map<string, Principal & { kind: 'buyer' }>();
  /** When each of those principals' token expires (unix s). */
  const expiresAt = new WeakMap<Principal, number>();
  const arrived = (token: string, via: 'cookie' | 'header') => {
    const principal = verify(token);
    if (!principal) return null;
    const seen = via === 'header' ? viaHeader : viaCookie;
    let p = seen.get(token);
    if (!p) {
      if (seen.size >= VERIFIED_CACHE_MAX) seen.clear();
      seen.set(token, (p = { ...principal, via }));
      expiresAt.set(p, verified.get(token)!.exp);
    }
    return p;
  };
  const fromHeaders = (h: HeaderSource['headers']) => {
    const header = h['x-buyer-token'];
    if (typeof header === 'string' && header) return arrived(header, 'header');
    const auth = h.authorization;
    if (typeof auth === 'string' && auth.startsWith(BEARER_PREFIX))
      return arrived(auth.slice(7).trim(), 'header');
    const cookie = h.cookie;
    if (typeof cookie === 'string' && cookie.includes(`${BUYER_COOKIE}=`)) {
      const token = parseCookies(cookie)[BUYER_COOKIE];
      return token ? arrived(token, 'cookie') : null;
    }
    return null;
  };

  // A keep-alive connection sends the same credentials with request after request: the last ones seen on a
  // connection are remembered with what they resolved to, and a request carrying the very same header values is
  // answered by comparing them — no token hashed or looked up again (the flood's every request). Expiry is checked
  // every time.
  const lastOnConnection = new WeakMap<
    object,
    { token: unknown; auth: unknown; cookie: unknown; principal: Principal & { kind: 'buyer' } }
  >();
  const resolveSync = (req: HeaderSource) => {
    const h = req.headers;
    const connection = req.socket;
    if (connection === undefined) return fromHeaders(h);
    const last = lastOnConnection.get(connection);
    const token = h['x-buyer-token'];
    const auth = h.authorization;
    const cookie = h.cookie;
    if (last !== undefined && last.token === token && last.auth === auth && last.cookie === cookie)
      return expiresAt.get(last.principal)! * 1000 > now() ? last.principal : null;
    const principal = fromHeaders(h);
    if (principal) lastOnConnection.set(connection, { token, auth, cookie, principal });
    else lastOnConnection.delete(connection);
    return principal;
  };

  return {
    issue(buyerId, email, opts = {}) {
      const exp = Math.floor(now() / 1000) + SESSION_TTL_SECONDS;
      const sessionId = opts.sessionId ?? randomBytes(16).toString('base64url');
      const payload = `${buyerId}.${Buffer.from(email, 'utf8').toString('base64url')}.${exp}.${sessionId}${opts.verified ? '.v' : ''}`;
      return { token: `${TOKEN_PREFIX}${payload}.${sign(payload)}`, expiresAt: new Date(exp * 1000) };
    },
    verify,
    resolveSync,
    resolve: (req) => Promise.resolve(resolveSync(req)),
    buyerIdFor,
  };
}

/** The id a new buyer row for an e-mail (already normalised) is created with. */
export type BuyerIdFor = (email: string) => string;

/**
 * Buyer ids derived from the e-mail, so everyone who creates a buyer's row agrees on its id before the row exists
 * — a counter sale can hold for a new buyer and create the row only once the hold succeeded
 * (application/counter-sales), racing a session for the same e-mail harmlessly. Keyed (HMAC-SHA256 with a key
 * derived from `secret`, the session secret): buyer ids travel in tokens, audit actors and exports, and an unkeyed
 * hash let anyone holding an id confirm a guessed e-mail. Rows made before — cuid ids, and the unkeyed
 * `seatrush-buyer.v1` hashes — keep their ids: callers look the e-mail up first (`findBuyer`, the `ON CONFLICT`
 * look-up of `findOrCreateBuyer`, `ensureBuyer`), so a row's id never changes. Never contains a `.` (buyer tokens
 * are dot-separated) nor a `:` (auth/limit-keys.ts).
 */
export function buyerIds(secret: string): BuyerIdFor {
  const key = createHmac('sha256', secret).update('seatrush buyer ids').digest();
  return (email) =>
    `b${createHmac('sha256', key).update(`seatrush-buyer.v2\n${email}`).digest('hex').slice(0, 24)}`;
}

/** The buyer for `email` (already normalised), or null when there is none yet. */
export async function findBuyer(prisma: PrismaClient, email: string): Promise<{ id: string } | null> {
  return prisma.buyer.findUnique({ where: { email }, select: { id: true } });
}

/**
 * Creates the row of a buyer whose id was derived with `buyerIds` (a no-op when it exists), and answers the id
 * the e-mail's row has — `id` itself unless another row for that e-mail, made before, got there first.
 */
export async function ensureBuyer(prisma: PrismaClient, email: string, id: string): Promise<string> {
  await prisma.buyer.createMany({ data: [{ id, email }], skipDuplicates: true });
  return (await prisma.buyer.findUniqueOrThrow({ where: { email }, select: { id: true } })).id;
}

/** At most this many e-mails in one statement (a flash crowd's sessions come in faster than one at a time). */
const MAX_BATCH = 500;

interface Waiting {
  email: string;
  /** The id a new row gets. */
  id: string;
  resolve: (b: { id: string }) => void;
  reject: (e: unknown) => void;
}

/** Per database client: sessions waiting for their buyer row, and whether a statement is under way. */
const batches = new WeakMap<PrismaClient, { waiting: Waiting[]; busy: boolean }>();

/**
 * The buyer for `email` (already normalised), created on first use (with the id `idFor` derives).
 *
 * Every buyer of a flash sale starts a session, so this is batched: the sessions that arrive while a statement is
 * under way share the next one — one round trip and one pool connection for hundreds of them, where Prisma's
 * `upsert` took five round trips each (BEGIN, SELECT, INSERT, SELECT, COMMIT) and ~4× the CPU, and a crowd's
 * sessions queued for the pool ahead of checkouts and payment webhooks (bench/sessions, docs/rehearsal.md).
 * A lone session goes at once. A failed statement fails its whole batch (each caller answers as it did alone).
 *
 * Many first sessions for one new e-mail at once all get the one row: the insert does nothing for an e-mail whose
 * row exists or is being created (it waits for that), and the look-up reads it.
 */
export function findOrCreateBuyer(
  prisma: PrismaClient,
  email: string,
  idFor: BuyerIdFor,
): Promise<{ id: string }> {
  let batch = batches.get(prisma);
  if (!batch) batches.set(prisma, (batch = { waiting: [], busy: false }));
  const b = batch;
  return new Promise((resolve, reject) => {
    b.waiting.push({ email, id: idFor(email), resolve, reject });
    // The first arrival waits one turn of the event loop, so the requests read in the same turn come along.
    if (!b.busy && b.waiting.length === 1) setImmediate(() => void flush(prisma, b));
  });
}

async function flush(prisma: PrismaClient, b: { waiting: Waiting[]; busy: boolean }): Promise<void> {
  if (b.busy || b.waiting.length === 0) return;
  b.busy = true;
  const batch = b.waiting.splice(0, MAX_BATCH);
  try {
    const ids = await buyerRows(prisma, [...new Map(batch.map((w) => [w.email, w.id])).entries()]);
    for (const w of batch) {
      const id = ids.get(w.email);
      // Only a row for another e-mail with the same derived id (a 96-bit hash collision) can leave one out.
      if (id) w.resolve({ id });
      else w.reject(new Error('could not create the buyer row: its id is taken'));
    }
  } catch (e) {
    for (const w of batch) w.reject(e);
  } finally {
    b.busy = false;
    if (b.waiting.length) void flush(prisma, b);
  }
}

/** E-mail → buyer id for `wanted` (distinct e-mails, each with the id a new row gets), creating missing rows. */
async function buyerRows(
  prisma: PrismaClient,
  wanted: Array<[email: string, id: string]>,
): Promise<Map<string, string>> {
  // Sorted, so two nodes' batches take their unique-key locks in one order (no deadlock between them).
  const sorted = wanted.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const emails = sorted.map(([email]) => email);
  const rows = JSON.stringify(sorted.map(([email, id]) => ({ id, email })));
  // The insert and the look-up share the statement's snapshot: a new row comes from `ins`, an old one from the
  // join — except one created by another session after that snapshot was taken, which the insert waited for and
  // skipped; a second look-up, with a fresh snapshot, reads those.
  const got = await prisma.$queryRaw<Array<{ id: string; email: string }>>(sql`
    WITH v AS (SELECT * FROM json_to_recordset(${rows}::json) AS v(id text, email text)),
    ins AS (
      INSERT INTO "Buyer" (id, email, "createdAt")
      SELECT v.id, v.email, clock_timestamp() AT TIME ZONE 'UTC' FROM v
      ON CONFLICT DO NOTHING
      RETURNING id, email
    )
    SELECT id, email FROM ins UNION ALL SELECT b.id, b.email FROM "Buyer" b JOIN v ON v.email = b.email`);
  const ids = new Map(got.map((r) => [r.email, r.id]));
  const missing = emails.filter((e) => !ids.has(e));
  if (missing.length)
    for (const r of await prisma.buyer.findMany({
      where: { email: { in: missing } },
      select: { id: true, email: true },
    }))
      ids.set(r.email, r.id);
  return ids;
}
