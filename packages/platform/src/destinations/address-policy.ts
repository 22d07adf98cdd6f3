import { BlockList, isIPv4, isIPv6 } from 'node:net';

/**
 * Which IP addresses a webhook may be sent to. A customer chooses the URL, so without this policy an
 * endpoint pointed at 169.254.169.254 or 10.0.0.5 would make our workers fetch from our own network
 * (SSRF). The rule is simple: only globally routable unicast addresses are allowed.
 *
 * Ranges are matched with Node's `net.BlockList` rather than hand-written prefix arithmetic. Each
 * family has its own lists on purpose: BlockList treats IPv4-mapped IPv6 addresses as the IPv4
 * address in both directions (a `::ffff:0:0/96` rule matches every IPv4 query, an IPv4 rule matches
 * `::ffff:7f00:1`), so the embedded IPv4 address of the IPv6 forms that carry one is extracted and
 * checked explicitly below, and an IPv4 rule never has to answer an IPv6 query or the reverse.
 */

export type AddressVerdict = { forbidden: false } | { forbidden: true; reason: string };

type Family = 'ipv4' | 'ipv6';

interface Rule {
  reason: string;
  list: BlockList;
}

/** Entries are `address` or `address/prefix`. */
function rule(family: Family, reason: string, entries: readonly string[]): Rule {
  const list = new BlockList();
  for (const entry of entries) {
    const [address = '', prefix] = entry.split('/');
    if (prefix === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(prefix), family);
  }
  return { reason, list };
}

const METADATA = 'a cloud metadata address';

/** First match wins, so the specific reasons (metadata, broadcast) come before the ranges holding them. */
const IPV4_RULES: readonly Rule[] = [
  rule('ipv4', METADATA, [
    '169.254.169.254', // AWS, GCP, Azure, OpenStack, DigitalOcean, Oracle instance metadata
    '169.254.170.2', // AWS ECS task metadata and credentials
    '100.100.100.200', // Alibaba Cloud metadata
    // Azure WireServer: a public address, but answered by the host of every Azure VM.
    '168.63.129.16',
  ]),
  rule('ipv4', 'the broadcast address', ['255.255.255.255']),
  // Linux routes a connect to 0.0.0.0 to the local machine.
  rule('ipv4', 'an unspecified ("this network") address', ['0.0.0.0/8']),
  rule('ipv4', 'a loopback address', ['127.0.0.0/8']),
  rule('ipv4', 'a private address', ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16']),
  rule('ipv4', 'a link-local address', ['169.254.0.0/16']),
  rule('ipv4', 'a carrier-grade NAT (shared) address', ['100.64.0.0/10']),
  rule('ipv4', 'a multicast address', ['224.0.0.0/4']),
  rule('ipv4', 'a documentation address', ['192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24']),
  rule('ipv4', 'a benchmarking address', ['198.18.0.0/15']),
  rule('ipv4', 'a reserved address', [
    '192.0.0.0/24', // IETF protocol assignments
    '192.88.99.0/24', // deprecated 6to4 relay anycast
    '240.0.0.0/4', // reserved for future use
  ]),
];

const IPV6_RULES: readonly Rule[] = [
  rule('ipv6', METADATA, ['fd00:ec2::254']), // AWS instance metadata over IPv6
  rule('ipv6', 'an unspecified address', ['::']),
  rule('ipv6', 'a loopback address', ['::1']),
  rule('ipv6', 'a private (unique local) address', ['fc00::/7']),
  rule('ipv6', 'a link-local address', ['fe80::/10']),
  rule('ipv6', 'a multicast address', ['ff00::/8']),
  rule('ipv6', 'a documentation address', ['2001:db8::/32', '3fff::/20']),
  // IETF protocol assignments: Teredo (2001::/32), benchmarking, ORCHID. No customer hosts live here.
  rule('ipv6', 'a reserved address', ['2001::/23']),
];

/** Global unicast; everything outside it (site-local, IPv4-compatible, discard-only, ...) is refused. */
const IPV6_GLOBAL_UNICAST = rule('ipv6', '', ['2000::/3']).list;

/** IPv6 forms that carry an IPv4 address, with the 16-bit groups holding it. */
const EMBEDDED_IPV4: ReadonlyArray<{ label: string; list: BlockList; groups: [number, number] }> = [
  { label: 'IPv4-mapped', list: rule('ipv6', '', ['::ffff:0:0/96']).list, groups: [6, 7] },
  { label: 'NAT64', list: rule('ipv6', '', ['64:ff9b::/96']).list, groups: [6, 7] },
  { label: '6to4', list: rule('ipv6', '', ['2002::/16']).list, groups: [1, 2] },
];

/**
 * The eight 16-bit groups of an IPv6 address. WHATWG URL serialisation gives the canonical form
 * first (lower case, a dotted IPv4 tail rewritten as two hex groups, at most one `::`).
 */
function ipv6Groups(ip: string): number[] {
  const canonical = new URL(`http://[${ip}]/`).hostname.slice(1, -1);
  const parse = (part: string) => (part ? part.split(':').map((group) => Number.parseInt(group, 16)) : []);
  const [head = '', tail] = canonical.split('::');
  const left = parse(head);
  if (tail === undefined) return left;
  const right = parse(tail);
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}

function ipv4From(high: number, low: number): string {
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}

function firstMatch(rules: readonly Rule[], ip: string, family: Family): AddressVerdict {
  for (const { reason, list } of rules) if (list.check(ip, family)) return { forbidden: true, reason };
  return { forbidden: false };
}

function checkIPv6(ip: string): AddressVerdict {
  for (const { label, list, groups } of EMBEDDED_IPV4) {
    if (!list.check(ip, 'ipv6')) continue;
    const all = ipv6Groups(ip);
    const ipv4 = ipv4From(all[groups[0]] ?? 0, all[groups[1]] ?? 0);
    const inner = firstMatch(IPV4_RULES, ipv4, 'ipv4');
    if (inner.forbidden) return { forbidden: true, reason: `${inner.reason} (${label} ${ipv4})` };
    // A public IPv4 address behind the mapped or NAT64 prefix is as reachable as the address itself.
    if (label !== '6to4') return { forbidden: false };
  }
  const verdict = firstMatch(IPV6_RULES, ip, 'ipv6');
  if (verdict.forbidden) return verdict;
  if (!IPV6_GLOBAL_UNICAST.check(ip, 'ipv6')) {
    return { forbidden: true, reason: 'a reserved address (not IPv6 global unicast)' };
  }
  return { forbidden: false };
}

/**
 * Decides whether a connection to `ip` must be refused. Anything that is not an IP address is
 * refused too (fail closed). An IPv6 zone (`fe80::1%eth0`) is ignored for the decision.
 */
export function isForbiddenAddress(ip: string): AddressVerdict {
  const address = ip.trim();
  if (isIPv4(address)) return firstMatch(IPV4_RULES, address, 'ipv4');
  const unzoned = address.split('%')[0] ?? '';
  if (isIPv6(unzoned)) return checkIPv6(unzoned);
  return { forbidden: true, reason: 'not an IP address' };
}
