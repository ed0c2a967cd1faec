import type { IncomingMessage } from 'node:http';
import type { ProxyTrust } from '../config/trust-proxy.ts';

/**
 * The client's address as Express's `req.ip` computes it (proxy-addr): the nearest address in the chain
 * `socket peer, X-Forwarded-For from right to left` that is not a trusted proxy. Without trusted proxies it is
 * the socket's peer, whatever `X-Forwarded-For` says. For the hot path and sockets, which have no Express request.
 */
export function clientAddress(
  req: Pick<IncomingMessage, 'headers' | 'socket'>,
  trust: ProxyTrust,
): string | undefined {
  let address = req.socket.remoteAddress;
  if (!trust(address, 0)) return address;
  const header = req.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  for (let hop = 1; forwarded.length > 0; hop++) {
    address = forwarded.pop();
    if (!trust(address, hop)) return address;
  }
  return address;
}
