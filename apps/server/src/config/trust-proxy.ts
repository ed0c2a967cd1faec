import { BlockList, isIP } from 'node:net';

/**
 * Whether the peer at `address` (`hop` 0 = the one connected to us) is a proxy whose `X-Forwarded-*` headers we
 * believe. Express's signature for `app.set('trust proxy', fn)`, so Express (client IP, `req.secure`) and the
 * CSRF check (auth/principal.ts) decide alike.
 */
export type ProxyTrust = (address: string | undefined, hop: number) => boolean;

/** Express's names for address ranges. */
const NAMED: Record<string, Array<[string, number]>> = {
  loopback: [
    ['127.0.0.0', 8],
    ['::1', 128],
  ],
  linklocal: [
    ['169.254.0.0', 16],
    ['fe80::', 10],
  ],
  uniquelocal: [
    ['10.0.0.0', 8],
    ['172.16.0.0', 12],
    ['192.168.0.0', 16],
    ['fc00::', 7],
  ],
};

/** Why `TRUST_PROXY` cannot be parsed, or null. */
export function trustProxyProblem(setting: string): string | null {
  try {
    parseTrustProxy(setting);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

/**
 * Parses `TRUST_PROXY`: empty / `false` / `0` trusts no one (the default: nothing in front of the node); a number
 * N trusts the N nearest hops whatever their address; otherwise a comma-separated list of addresses, CIDR ranges
 * (`10.0.0.0/8`) and the names `loopback`, `linklocal`, `uniquelocal`. `true` (everyone) is refused: a client
 * could then name its own origin and IP.
 */
export function parseTrustProxy(setting: string): ProxyTrust {
  const s = setting.trim().toLowerCase();
  if (s === '' || s === 'false' || s === '0') return () => false;
  if (s === 'true')
    throw new Error(
      'TRUST_PROXY=true would believe every client; name the proxies (addresses, CIDR, loopback).',
    );
  if (/^\d+$/.test(s)) {
    const hops = Number(s);
    return (_address, hop) => hop < hops;
  }
  const list = new BlockList();
  for (const item of s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)) {
    const named = NAMED[item];
    if (named) {
      for (const [net, prefix] of named) list.addSubnet(net, prefix, isIP(net) === 6 ? 'ipv6' : 'ipv4');
      continue;
    }
    const [addr = '', prefixText] = item.split('/');
    const family = isIP(addr);
    const max = family === 6 ? 128 : 32;
    const prefix = prefixText === undefined ? max : Number(prefixText);
    if (!family || !Number.isInteger(prefix) || prefix < 0 || prefix > max)
      throw new Error(
        `TRUST_PROXY: "${item}" is not an address, a CIDR range or one of loopback, linklocal, uniquelocal.`,
      );
    list.addSubnet(addr, prefix, family === 6 ? 'ipv6' : 'ipv4');
  }
  return (address) => {
    if (!address) return false;
    // A dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d.
    const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
    const family = isIP(v4);
    if (family === 4) return list.check(v4, 'ipv4');
    if (family === 6) return list.check(v4, 'ipv6');
    return false;
  };
}
