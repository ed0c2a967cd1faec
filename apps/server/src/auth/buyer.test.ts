import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { buyerIds, createBuyerSessions } from './buyer.ts';

describe('buyer sessions resolved from requests', () => {
  let clock = Date.UTC(2026, 11, 7);
  const sessions = createBuyerSessions({ secret: 's'.repeat(32), now: () => clock });
  const alice = sessions.issue('b_alice', 'alice@example.test').token;
  const bob = sessions.issue('b_bob', 'bob@example.test').token;

  it('a connection that changes its credentials gets the new buyer, and bad ones are refused', () => {
    const connection = {};
    const as = (headers: Record<string, string>) => sessions.resolveSync({ headers, socket: connection });
    expect(as({ authorization: `Bearer ${alice}` })?.buyerId).toBe('b_alice');
    expect(as({ authorization: `Bearer ${alice}` })?.buyerId).toBe('b_alice');
    expect(as({ authorization: `Bearer ${bob}` })?.buyerId).toBe('b_bob');
    expect(as({ authorization: `Bearer ${bob}x` })).toBeNull();
    expect(as({})).toBeNull();
    expect(as({ cookie: `sr_buyer=${alice}` })).toMatchObject({ buyerId: 'b_alice', via: 'cookie' });
    // The same token in a header takes precedence over the cookie, and says so (the CSRF check reads `via`).
    expect(as({ cookie: `sr_buyer=${alice}`, 'x-buyer-token': bob })).toMatchObject({
      buyerId: 'b_bob',
      via: 'header',
    });
  });

  it('a remembered session still expires', () => {
    const connection = {};
    const headers = { authorization: `Bearer ${alice}` };
    expect(sessions.resolveSync({ headers, socket: connection })?.buyerId).toBe('b_alice');
    clock += 31 * 24 * 3600 * 1000;
    expect(sessions.resolveSync({ headers, socket: connection })).toBeNull();
    expect(sessions.resolveSync({ headers })).toBeNull();
  });
});

describe('derived buyer ids', () => {
  const buyerIdFor = buyerIds('s'.repeat(32));

  it('are keyed: another secret derives other ids, and no unkeyed hash of the e-mail gives them', () => {
    const email = 'alice@example.test';
    expect(buyerIds('t'.repeat(32))(email)).not.toBe(buyerIdFor(email));
    expect(createBuyerSessions({ secret: 's'.repeat(32) }).buyerIdFor(email)).toBe(buyerIdFor(email));
    const unkeyed = `b${createHash('sha256').update(`seatrush-buyer.v1\n${email}`).digest('hex').slice(0, 24)}`;
    expect(buyerIdFor(email)).not.toBe(unkeyed);
  });

  it('are the same for the same e-mail, differ between e-mails, and fit in a session token', () => {
    const id = buyerIdFor('alice@example.test');
    expect(buyerIdFor('alice@example.test')).toBe(id);
    expect(buyerIdFor('bob@example.test')).not.toBe(id);
    expect(id).toMatch(/^b[0-9a-f]{24}$/);
    const sessions = createBuyerSessions({ secret: 's'.repeat(32) });
    expect(sessions.verify(sessions.issue(id, 'alice@example.test').token)?.buyerId).toBe(id);
  });
});
