import type { BuyerPrincipal } from './principal.ts';

/**
 * Whose per-buyer limit a hold spends (docs/buyers.md). A session that proved its e-mail spends the e-mail's: the
 * inventory counts its holds under the buyer id. A session that has not — an e-mail *claim*, which anyone can make
 * for anyone's address — spends a limit of its own, counted under `s:<session id>`, so typing someone's e-mail
 * neither uses up nor reveals what that person may still hold. The key travels with the hold (its record, its
 * order's `limitKey` column, its hold-end fact), so expiry, release, refunds, a late payment's reclaim and a rebuild
 * from PostgreSQL all count it where the hold was counted.
 *
 * Buyer ids (`b…` hex, or cuids) never contain `:`, so the two kinds of key cannot meet.
 */
const SESSION_PREFIX = 's:';

/** The limit key of a hold made by `buyer`, or undefined when it counts under the buyer id itself. */
export function holdLimitKey(buyer: Pick<BuyerPrincipal, 'sessionId' | 'verified'>): string | undefined {
  if (buyer.verified === true || !buyer.sessionId) return undefined;
  return SESSION_PREFIX + buyer.sessionId;
}

/** The session a hold's limit key names (the hold was made by that unverified session), or null. */
export function sessionOfLimitKey(limitKey: string | undefined | null): string | null {
  return limitKey?.startsWith(SESSION_PREFIX) ? limitKey.slice(SESSION_PREFIX.length) : null;
}
