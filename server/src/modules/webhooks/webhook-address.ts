import { lookup as dnsLookup, LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';

/*
 * SSRF guard for integrator webhook URLs. An admin types a URL and our
 * server POSTs to it, so without this an admin (or a stolen admin key) could
 * make Coffer call the cloud metadata service, the database or anything else
 * on the private network. Every address a host resolves to must be public,
 * or inside a network the operator allow-listed (WEBHOOK_ALLOWED_NETWORKS).
 */

/** Not reachable on the public internet, or reserved: refused unless allow-listed. */
const NON_PUBLIC_RANGES: [string, number, 'ipv4' | 'ipv6'][] = [
  ['0.0.0.0', 8, 'ipv4'], // "this" network; 0.0.0.0 reaches the local host
  ['10.0.0.0', 8, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'], // carrier-grade NAT
  ['127.0.0.0', 8, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'], // link-local, cloud metadata (169.254.169.254)
  ['172.16.0.0', 12, 'ipv4'],
  ['192.0.0.0', 24, 'ipv4'],
  ['192.0.2.0', 24, 'ipv4'],
  ['192.88.99.0', 24, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['198.18.0.0', 15, 'ipv4'],
  ['198.51.100.0', 24, 'ipv4'],
  ['203.0.113.0', 24, 'ipv4'],
  ['224.0.0.0', 4, 'ipv4'], // multicast
  ['240.0.0.0', 4, 'ipv4'], // reserved, broadcast
  ['::', 128, 'ipv6'],
  ['::1', 128, 'ipv6'],
  ['64:ff9b::', 96, 'ipv6'], // NAT64 can reach any IPv4 address, private ones included
  ['100::', 64, 'ipv6'],
  ['2001::', 32, 'ipv6'], // Teredo
  ['2001:db8::', 32, 'ipv6'],
  ['2002::', 16, 'ipv6'], // 6to4 embeds an IPv4 address, possibly a private one
  ['fc00::', 7, 'ipv6'], // unique local
  ['fe80::', 10, 'ipv6'], // link-local
  ['fec0::', 10, 'ipv6'], // site-local (deprecated)
  ['ff00::', 8, 'ipv6'], // multicast
];

// IPv4-mapped addresses (::ffff:10.0.0.1, ::ffff:a00:1) need no rule of their own: BlockList
// matches them against the IPv4 rules, so they are judged by the IPv4 address they carry.
const nonPublic = new BlockList();
for (const [network, prefix, family] of NON_PUBLIC_RANGES) nonPublic.addSubnet(network, prefix, family);

const MAPPED_DOTTED = /^::ffff:(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})$/i;

/** `::ffff:10.0.0.1` is 10.0.0.1: compare it against the IPv4 rules, allow-list included. */
function canonical(address: string): { address: string; family: 'ipv4' | 'ipv6' } {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const mapped = MAPPED_DOTTED.exec(bare);
  if (mapped) return { address: mapped[1], family: 'ipv4' };
  return { address: bare, family: isIP(bare) === 6 ? 'ipv6' : 'ipv4' };
}

/** Parses `10.0.0.0/8`, `127.0.0.1` or `fd00::/8`; null when malformed. */
export function parseNetwork(entry: string): { network: string; prefix: number; family: 'ipv4' | 'ipv6' } | null {
  const [network, prefixText, extra] = entry.trim().split('/');
  if (extra !== undefined) return null;
  const version = isIP(network);
  if (version === 0) return null;
  const max = version === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max || (prefixText !== undefined && !/^\d+$/.test(prefixText))) return null;
  return { network, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

export interface AddressPolicy {
  /** Null when the address may be called, else why not. */
  refusal(address: string): string | null;
}

export function addressPolicy(allowedNetworks: readonly string[]): AddressPolicy {
  const allowed = new BlockList();
  for (const entry of allowedNetworks) {
    const parsed = parseNetwork(entry);
    if (!parsed) throw new Error(`Not a network: ${entry}`);
    allowed.addSubnet(parsed.network, parsed.prefix, parsed.family);
  }
  return {
    refusal(raw) {
      const { address, family } = canonical(raw);
      if (isIP(address) === 0) return `${raw} is not an IP address`;
      if (allowed.check(address, family)) return null;
      if (nonPublic.check(address, family)) return `${raw} is a private, loopback, link-local or reserved address`;
      return null;
    },
  };
}

export class RefusedAddressError extends Error {
  constructor(readonly host: string, reason: string) {
    super(`Refused to call ${host}: ${reason}`);
    this.name = 'RefusedAddressError';
  }
}

type LookupAll = (hostname: string, options: { all: true }, callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

/** Every address the host resolves to (a literal IP resolves to itself). */
export function resolveHost(hostname: string, lookup: LookupAll = dnsLookup): Promise<LookupAddress[]> {
  const bare = hostname.replace(/^\[|\]$/g, '');
  const version = isIP(bare);
  if (version !== 0) return Promise.resolve([{ address: bare, family: version }]);
  return new Promise((resolve, reject) => lookup(bare, { all: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))));
}

/**
 * Resolves and checks every address: one private address among public ones
 * is enough to refuse, since the connection could pick it.
 */
export async function assertPublicHost(hostname: string, policy: AddressPolicy): Promise<LookupAddress[]> {
  const addresses = await resolveHost(hostname);
  if (addresses.length === 0) throw new RefusedAddressError(hostname, 'it does not resolve');
  for (const { address } of addresses) {
    const reason = policy.refusal(address);
    if (reason) throw new RefusedAddressError(hostname, reason);
  }
  return addresses;
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for http.request: the connection goes to the very addresses
 * that were checked, so a DNS answer that changes between the check and the
 * connect (rebinding) cannot slip a private address in.
 */
export function guardedLookup(policy: AddressPolicy) {
  return (hostname: string, options: { all?: boolean }, callback: LookupCallback): void => {
    assertPublicHost(hostname, policy).then(
      (addresses) => {
        if (options.all) callback(null, addresses);
        else callback(null, addresses[0].address, addresses[0].family);
      },
      (error: NodeJS.ErrnoException) => callback(error, ''),
    );
  };
}
