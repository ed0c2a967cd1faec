import type { Request } from 'express';
import type { Actor } from '../audit/audit.ts';
import { DomainError } from '../domain/errors.ts';
import type { Config } from '../config/index.ts';

/** Who is calling: a staff member (session or API token) or a buyer (guest session). */
export type Principal =
  | {
      kind: 'staff';
      staffId: string;
      role: 'admin' | 'box_office' | 'door';
      via: 'session' | 'token';
      sessionId?: string;
      /** Set when `via` is `token`: audit entries name the token, not just its owner. */
      tokenId?: string;
    }
  | {
      kind: 'buyer';
      buyerId: string;
      email: string;
      /** The session (one issued token); holds record it so "my orders" lists that session's orders only. */
      sessionId?: string;
      /**
       * The session proved its e-mail with a one-time code (a claim of its token). Unverified sessions see and
       * spend only what they made themselves (docs/buyers.md).
       */
      verified?: boolean;
      /** How the token arrived: the `sr_buyer` cookie (origin-checked on changes) or a header. */
      via?: 'cookie' | 'header';
    };

/** A buyer principal (holds, checkout, "my orders"). */
export type BuyerPrincipal = Principal & { kind: 'buyer' };

/** The actor string of a caller. API tokens are named by token so a leaked token's actions can be traced. */
export function actorOf(principal: Principal | null): Actor {
  if (!principal) return 'system';
  if (principal.kind === 'buyer') return `buyer:${principal.buyerId}`;
  if (principal.via === 'token' && principal.tokenId) return `token:${principal.tokenId}`;
  return `staff:${principal.staffId}`;
}

/**
 * Identifies callers and guards against CSRF. Staff sessions and API tokens and buyer sessions are
 * resolved by the resolvers registered here (see auth/staff.ts and auth/buyer.ts).
 */
export type PrincipalResolver = (req: Request) => Promise<Principal | null>;

export interface AuthGate {
  resolvePrincipal: (req: Request) => Promise<Principal | null>;
  checkCsrf: (req: Request, principal: Principal | null) => void;
}

/** Whether the principal was authenticated by a cookie (anonymous requests: whether they carry a session cookie). */
function cookieAuthenticated(req: Request, principal: Principal | null): boolean {
  if (principal?.kind === 'staff') return principal.via === 'session';
  if (principal?.kind === 'buyer') return principal.via !== 'header';
  return Boolean(req.headers.cookie);
}

export function createAuthGate(
  config: Pick<Config, 'allowedOrigins' | 'publicUrl' | 'trustProxy'>,
  resolvers: PrincipalResolver[],
): AuthGate {
  return {
    resolvePrincipal: async (req: Request): Promise<Principal | null> => {
      for (const resolve of resolvers) {
        const p = await resolve(req);
        if (p) return p;
      }
      return null;
    },
    /**
     * Cookies ride along on cross-site requests; bearer tokens don't. So a state change authenticated by a
     * cookie must come from our own origin (SameSite=Lax cookies already stop most of it; this closes the rest).
     * What authenticated the request decides, not which headers it carries: an `Authorization` header that
     * authenticates nothing switches nothing off. The host our origin is compared with is `X-Forwarded-Host` only
     * when the peer is a configured proxy (TRUST_PROXY) — otherwise the request could name its own origin.
     */
    checkCsrf: (req: Request, principal: Principal | null): void => {
      if (!req.headers.cookie || !cookieAuthenticated(req, principal)) return;
      const origin = req.headers.origin ?? refererOrigin(req.headers.referer);
      if (!origin) return; // non-browser clients (curl) send no Origin; browsers always do on POST
      const forwarded = config.trustProxy(req.socket?.remoteAddress, 0)
        ? firstValue(req.headers['x-forwarded-host'])
        : undefined;
      const host = forwarded ?? req.headers.host;
      const allowed = new Set<string>(config.allowedOrigins);
      if (config.publicUrl) allowed.add(new URL(config.publicUrl).origin);
      if (host) {
        allowed.add(`http://${String(host)}`);
        allowed.add(`https://${String(host)}`);
      }
      if (!allowed.has(origin)) throw new DomainError('csrf_failed');
    },
  };
}

/** The first of a header's comma-separated values (Express reads X-Forwarded-Host the same way). */
function firstValue(header: string | string[] | undefined): string | undefined {
  const v = Array.isArray(header) ? header[0] : header;
  return v?.split(',')[0]?.trim() || undefined;
}

function refererOrigin(referer: string | undefined): string | undefined {
  if (!referer) return undefined;
  try {
    return new URL(referer).origin;
  } catch {
    return undefined;
  }
}
