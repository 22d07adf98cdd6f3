import { describe, expect, it } from 'vitest';
import { checkDestinationUrl } from '../../src/destinations/index.ts';

// Pure checks on the URL text, as the API runs them at endpoint creation: no lookup, no connect.

const GUARDED = { allowPrivate: false, requireHttps: false };
const HINT = 'refused by the SSRF guard (BOOKFLOW_ALLOW_PRIVATE_DESTINATIONS=true lifts it in development)';

describe('checkDestinationUrl', () => {
  it.each([
    ['http://127.0.0.1/hooks', 'destination 127.0.0.1 is a loopback address'],
    ['https://10.0.0.5:8443/', 'destination 10.0.0.5 is a private address'],
    ['http://172.20.1.1/', 'destination 172.20.1.1 is a private address'],
    ['http://192.168.0.10/', 'destination 192.168.0.10 is a private address'],
    ['http://169.254.169.254/latest/meta-data/', 'destination 169.254.169.254 is a cloud metadata address'],
    ['http://100.100.100.200/', 'destination 100.100.100.200 is a cloud metadata address'],
    ['http://100.64.1.1/', 'destination 100.64.1.1 is a carrier-grade NAT (shared) address'],
    ['http://224.0.0.251/', 'destination 224.0.0.251 is a multicast address'],
    ['http://0.0.0.0:3000/', 'destination 0.0.0.0 is an unspecified ("this network") address'],
    ['http://255.255.255.255/', 'destination 255.255.255.255 is the broadcast address'],
    ['http://[::1]:8080/', 'destination ::1 is a loopback address'],
    ['http://[::]/', 'destination :: is an unspecified address'],
    ['http://[fd00:ec2::254]/', 'destination fd00:ec2::254 is a cloud metadata address'],
    ['http://[fd12::1]/', 'destination fd12::1 is a private (unique local) address'],
    ['http://[fe80::1]/', 'destination fe80::1 is a link-local address'],
    ['http://[ff02::1]/', 'destination ff02::1 is a multicast address'],
    // IPv4-mapped IPv6: WHATWG URL rewrites the dotted tail as hex groups.
    ['http://[::ffff:127.0.0.1]/', 'destination ::ffff:7f00:1 is a loopback address (IPv4-mapped 127.0.0.1)'],
    ['http://[::ffff:7f00:1]/', 'destination ::ffff:7f00:1 is a loopback address (IPv4-mapped 127.0.0.1)'],
    [
      'http://[::ffff:169.254.169.254]/',
      'destination ::ffff:a9fe:a9fe is a cloud metadata address (IPv4-mapped 169.254.169.254)',
    ],
    // Other IPv4 spellings, normalised to dotted decimal by the URL parser.
    ['http://2130706433/', 'destination 127.0.0.1 is a loopback address'],
    ['http://0x7f.1/', 'destination 127.0.0.1 is a loopback address'],
    ['http://0x7f000001/', 'destination 127.0.0.1 is a loopback address'],
    ['http://017700000001/', 'destination 127.0.0.1 is a loopback address'],
    ['http://127.1/', 'destination 127.0.0.1 is a loopback address'],
    ['http://0/', 'destination 0.0.0.0 is an unspecified ("this network") address'],
    ['http://127.0.0.1./', 'destination 127.0.0.1 is a loopback address'],
    ['http://2852039166/', 'destination 169.254.169.254 is a cloud metadata address'],
    // Names that are loopback by definition (RFC 6761), whatever the resolver says.
    ['http://localhost:3000/', 'destination localhost is a loopback name'],
    ['http://LOCALHOST./', 'destination localhost is a loopback name'],
    ['https://hooks.localhost/', 'destination hooks.localhost is a loopback name'],
  ])('refuses %s', (url, message) => {
    expect(checkDestinationUrl(url, GUARDED)).toEqual({ ok: false, reason: `${message}; ${HINT}` });
  });

  it.each([
    'https://hooks.example.com/bookflow',
    'http://hooks.example.com:8080/x?y=1',
    'https://8.8.8.8/',
    'https://[2606:4700:4700::1111]/',
    'https://[::ffff:8.8.8.8]/',
    // A name is only judged by what it resolves to, at connect time.
    'https://internal.corp.example/',
    'https://localhost.example.com/',
  ])('accepts %s', (url) => {
    expect(checkDestinationUrl(url, GUARDED)).toEqual({ ok: true });
  });

  it('lets private literals through when allowPrivate is set', () => {
    for (const url of ['http://127.0.0.1:3000/', 'http://[::1]/', 'http://localhost/', 'http://10.0.0.5/']) {
      expect(checkDestinationUrl(url, { allowPrivate: true, requireHttps: false })).toEqual({ ok: true });
    }
  });

  it('refuses http: when https is required, even with private destinations allowed', () => {
    for (const allowPrivate of [false, true]) {
      expect(checkDestinationUrl('http://hooks.example.com/', { allowPrivate, requireHttps: true })).toEqual({
        ok: false,
        reason:
          'destination hooks.example.com uses http:, refused because https is required (BOOKFLOW_REQUIRE_HTTPS=true)',
      });
    }
    expect(
      checkDestinationUrl('https://hooks.example.com/', { allowPrivate: false, requireHttps: true }),
    ).toEqual({
      ok: true,
    });
  });

  it.each([
    ['not a url', 'the destination is not an absolute URL'],
    ['/relative/path', 'the destination is not an absolute URL'],
    ['ftp://hooks.example.com/', 'the destination must use http or https, not ftp'],
    ['file:///etc/passwd', 'the destination must use http or https, not file'],
    ['gopher://127.0.0.1:6379/', 'the destination must use http or https, not gopher'],
  ])('refuses %j as a URL', (url, reason) => {
    expect(checkDestinationUrl(url, GUARDED)).toEqual({ ok: false, reason });
  });

  it('bounds a huge host name in the message', () => {
    const host = `${'a'.repeat(60)}.`.repeat(10).concat('localhost');
    const result = checkDestinationUrl(`http://${host}/`, GUARDED);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason.length).toBeLessThan(400);
  });
});
