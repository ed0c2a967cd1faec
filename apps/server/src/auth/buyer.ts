import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { parseCookies } from './cookies.ts';
import { type Principal } from './principal.ts';

/**
 * Buyer guest sessions: a buyer is an email address, no password. The session is a stateless signed token
 * (HMAC-SHA256 with the session secret) naming the buyer id and email, so every node verifies it without a
 * lookup. Browsers get it as the httpOnly `sr_buyer` cookie (SameSite=Lax); API clients send it back as
 * `X-Buyer-Token` or `Authorization: Bearer`.
 *
 * Token: `srb1.<buyerId>.<base64url email>.<expires (unix s)>.<session id>.<base64url signature>`; the session id
 * is random per issued token (holds record it: "my orders" lists the orders of one session, see session-holds.ts).
 */
export const BUYER_COOKIE = 'sr_buyer';
const TOKEN_PREFIX = 'srb1.';
const BEARER_PREFIX = `Bearer ${TOKEN_PREFIX}`;
export const SESSION_TTL_SECONDS = 30 * 24 * 3600;
const VERIFIED_CACHE_MAX = 20_000;

/** The parts of a request the resolver reads (so the hot path can pass a bare `http` request). */
export interface HeaderSource {
  headers: Record<string, string | string[] | undefined>;
}

export interface BuyerSessions {
  issue(buyerId: string, email: string): { token: string; expiresAt: Date };
  /** The buyer a token names, or null when it is not a valid, unexpired buyer token. */
  verify(token: string): (Principal & { kind: 'buyer' }) | null;
  /** PrincipalResolver for the auth gate: cookie, `X-Buyer-Token`, or a bearer token that is a buyer token. */
  resolve(req: HeaderSource): Promise<Principal | null>;
  /** The same, synchronously (hot path). */
  resolveSync(req: HeaderSource): (Principal & { kind: 'buyer' }) | null;
}

export function createBuyerSessions(opts: { secret: string; now?: () => number }): BuyerSessions {
  const now = opts.now ?? Date.now;
  const sign = (payload: string) =>
    createHmac('sha256', opts.secret).update(`seatrush-buyer-session.v1\n${payload}`).digest('base64url');
  // Verifying is one HMAC; the cache spares it for the repeat requests of a flash sale.
  const verified = new Map<string, { principal: Principal & { kind: 'buyer' }; exp: number }>();

  const verify = (token: string): (Principal & { kind: 'buyer' }) | null => {
    const hit = verified.get(token);
    if (hit) return hit.exp * 1000 > now() ? hit.principal : null;
    if (!token.startsWith(TOKEN_PREFIX) || token.length > 600) return null;
    const parts = token.split('.');
    if (parts.length !== 6) return null;
    const [, buyerId, emailB64, expRaw, sessionId, sig] = parts as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    const expected = Buffer.from(sign(`${buyerId}.${emailB64}.${expRaw}.${sessionId}`));
    const given = Buffer.from(sig);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    const exp = Number(expRaw);
    if (!Number.isInteger(exp) || exp * 1000 <= now()) return null;
    const principal = {
      kind: 'buyer' as const,
      buyerId,
      email: Buffer.from(emailB64, 'base64url').toString('utf8'),
      sessionId,
    };
    if (verified.size >= VERIFIED_CACHE_MAX) verified.clear();
    verified.set(token, { principal, exp });
    return principal;
  };

  const tokenOf = (req: HeaderSource): string | null => {
    const h = req.headers;
    const header = h['x-buyer-token'];
    if (typeof header === 'string' && header) return header;
    const auth = h.authorization;
    if (typeof auth === 'string' && auth.startsWith(BEARER_PREFIX)) return auth.slice(7).trim();
    const cookie = h.cookie;
    if (typeof cookie === 'string' && cookie.includes(`${BUYER_COOKIE}=`))
      return parseCookies(cookie)[BUYER_COOKIE] ?? null;
    return null;
  };

  const resolveSync = (req: HeaderSource) => {
    const token = tokenOf(req);
    return token ? verify(token) : null;
  };

  return {
    issue(buyerId, email) {
      const exp = Math.floor(now() / 1000) + SESSION_TTL_SECONDS;
      const sessionId = randomBytes(16).toString('base64url');
      const payload = `${buyerId}.${Buffer.from(email, 'utf8').toString('base64url')}.${exp}.${sessionId}`;
      return { token: `${TOKEN_PREFIX}${payload}.${sign(payload)}`, expiresAt: new Date(exp * 1000) };
    },
    verify,
    resolveSync,
    resolve: (req) => Promise.resolve(resolveSync(req)),
  };
}
