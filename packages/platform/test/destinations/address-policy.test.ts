import { describe, expect, it } from 'vitest';
import { isForbiddenAddress } from '../../src/destinations/index.ts';

// Pure checks: nothing here opens a socket.

const FORBIDDEN_IPV4: ReadonlyArray<[string, string]> = [
  ['0.0.0.0', 'unspecified'],
  ['0.1.2.3', 'unspecified'],
  ['127.0.0.1', 'loopback'],
  ['127.255.255.254', 'loopback'],
  ['10.0.0.5', 'private'],
  ['10.255.255.255', 'private'],
  ['172.16.0.1', 'private'],
  ['172.31.255.255', 'private'],
  ['192.168.1.1', 'private'],
  ['169.254.0.1', 'link-local'],
  ['169.254.169.254', 'cloud metadata'],
  ['169.254.170.2', 'cloud metadata'],
  ['100.100.100.200', 'cloud metadata'],
  ['168.63.129.16', 'cloud metadata'],
  ['100.64.0.1', 'carrier-grade NAT'],
  ['100.127.255.255', 'carrier-grade NAT'],
  ['224.0.0.1', 'multicast'],
  ['239.255.255.250', 'multicast'],
  ['255.255.255.255', 'broadcast'],
  ['240.0.0.1', 'reserved'],
  ['192.0.0.8', 'reserved'],
  ['192.88.99.1', 'reserved'],
  ['192.0.2.10', 'documentation'],
  ['198.51.100.10', 'documentation'],
  ['203.0.113.10', 'documentation'],
  ['198.18.0.1', 'benchmarking'],
  ['198.19.255.255', 'benchmarking'],
];

const FORBIDDEN_IPV6: ReadonlyArray<[string, string]> = [
  ['::', 'unspecified'],
  ['::1', 'loopback'],
  ['0:0:0:0:0:0:0:1', 'loopback'],
  ['fc00::1', 'private (unique local)'],
  ['fd12:3456:789a::1', 'private (unique local)'],
  ['fd00:ec2::254', 'cloud metadata'],
  ['fe80::1', 'link-local'],
  ['fe80::1%eth0', 'link-local'],
  ['febf::1', 'link-local'],
  ['ff02::1', 'multicast'],
  ['ff05::1:3', 'multicast'],
  ['2001:db8::1', 'documentation'],
  ['3fff::1', 'documentation'],
  ['2001::1', 'reserved'], // Teredo
  ['2001:2::1', 'reserved'], // benchmarking
  ['fec0::1', 'not IPv6 global unicast'], // deprecated site-local
  ['::7f00:1', 'not IPv6 global unicast'], // deprecated IPv4-compatible ::127.0.0.1
  ['::ffff:0:7f00:1', 'not IPv6 global unicast'], // IPv4-translated
  ['100::1', 'not IPv6 global unicast'], // discard-only
  ['64:ff9b:1::1', 'not IPv6 global unicast'], // local-use NAT64
];

// IPv6 spellings that carry an IPv4 address: the embedded address decides.
const FORBIDDEN_EMBEDDED: ReadonlyArray<[string, string]> = [
  ['::ffff:127.0.0.1', 'a loopback address (IPv4-mapped 127.0.0.1)'],
  ['::ffff:7f00:1', 'a loopback address (IPv4-mapped 127.0.0.1)'],
  ['::FFFF:7F00:0001', 'a loopback address (IPv4-mapped 127.0.0.1)'],
  ['::ffff:10.0.0.5', 'a private address (IPv4-mapped 10.0.0.5)'],
  ['::ffff:a9fe:a9fe', 'a cloud metadata address (IPv4-mapped 169.254.169.254)'],
  ['::ffff:0.0.0.0', 'an unspecified ("this network") address (IPv4-mapped 0.0.0.0)'],
  ['64:ff9b::7f00:1', 'a loopback address (NAT64 127.0.0.1)'],
  ['64:ff9b::192.168.0.1', 'a private address (NAT64 192.168.0.1)'],
  ['2002:a9fe:a9fe::1', 'a cloud metadata address (6to4 169.254.169.254)'],
  ['2002:c0a8:1::', 'a private address (6to4 192.168.0.1)'],
];

const ALLOWED: readonly string[] = [
  '8.8.8.8',
  '1.1.1.1',
  '93.184.215.14',
  '172.15.255.255', // just below 172.16/12
  '172.32.0.0', // just above it
  '100.63.255.255', // just below 100.64/10
  '100.128.0.0', // just above it
  '169.253.255.255',
  '223.255.255.255',
  '2606:4700:4700::1111',
  '2a00:1450:4001:82a::200e',
  '::ffff:8.8.8.8', // mapped public address
  '64:ff9b::808:808', // NAT64 of a public address
  '2002:808:808::1', // 6to4 of a public address
];

describe('isForbiddenAddress', () => {
  it.each(FORBIDDEN_IPV4)('refuses %s (%s)', (ip, kind) => {
    const verdict = isForbiddenAddress(ip);
    expect(verdict.forbidden).toBe(true);
    expect(verdict.forbidden && verdict.reason).toContain(kind);
  });

  it.each(FORBIDDEN_IPV6)('refuses %s (%s)', (ip, kind) => {
    const verdict = isForbiddenAddress(ip);
    expect(verdict.forbidden).toBe(true);
    expect(verdict.forbidden && verdict.reason).toContain(kind);
  });

  it.each(FORBIDDEN_EMBEDDED)('refuses %s by its embedded IPv4 address', (ip, reason) => {
    expect(isForbiddenAddress(ip)).toEqual({ forbidden: true, reason });
  });

  it.each(ALLOWED)('allows the public address %s', (ip) => {
    expect(isForbiddenAddress(ip)).toEqual({ forbidden: false });
  });

  it.each(['', 'localhost', 'example.com', '256.0.0.1', '1.2.3', '::ffff:1.2.3.4.5', '[::1]'])(
    'fails closed on %j, which is not an IP address',
    (value) => {
      expect(isForbiddenAddress(value)).toEqual({ forbidden: true, reason: 'not an IP address' });
    },
  );
});
