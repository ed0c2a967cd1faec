import type { Request } from 'express';
import type { IncomingMessage } from 'node:http';
import type { SocketData } from '@seatrush/shared';
import { parseCookies } from '../auth/cookies.ts';
import { type Principal } from '../auth/principal.ts';

/** What the handshake middleware needs from the HTTP auth gate: the same resolvers and CSRF rule as HTTP. */
export interface HandshakeAuth {
  resolvePrincipal: (req: Request) => Promise<Principal | null>;
  checkCsrf: (req: Request, principal: Principal | null) => void;
}

/**
 * Presents the Socket.IO handshake to the HTTP principal resolvers as if it were an HTTP request: the upgrade
 * request's headers (cookie, origin, host), and `auth.token` from the client as a bearer token, so API clients
 * and load tools authenticate the same way they do over HTTP. Only headers and cookies are meaningful on it.
 */
export function handshakeRequest(raw: IncomingMessage, authToken: unknown): Request {
  const headers: IncomingMessage['headers'] = { ...raw.headers };
  if (typeof authToken === 'string' && authToken.length > 0 && authToken.length <= 4096) {
    headers.authorization = `Bearer ${authToken}`;
  }
  const cookies = parseCookies(typeof headers.cookie === 'string' ? headers.cookie : undefined);
  const get = (name: string): string | undefined => {
    const v = headers[name.toLowerCase()];
    return Array.isArray(v) ? v.join(', ') : v;
  };
  const req = Object.create(raw) as Request & Record<string, unknown>;
  Object.assign(req, {
    headers,
    cookies,
    signedCookies: {},
    get,
    header: get,
    ip: raw.socket?.remoteAddress,
    method: 'GET',
    path: '/socket.io/',
  });
  return req;
}

/** The part of a principal a socket keeps (no session id, no token). */
export function socketPrincipal(p: Principal | null): SocketData['principal'] {
  if (!p) return null;
  if (p.kind === 'buyer')
    return {
      kind: 'buyer',
      buyerId: p.buyerId,
      email: p.email,
      ...(p.sessionId ? { sessionId: p.sessionId } : {}),
      ...(p.verified ? { verified: true } : {}),
    };
  return { kind: 'staff', staffId: p.staffId, role: p.role };
}
