import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testConfig } from '../../src/config/config.ts';
import {
  type AttemptResult,
  createSender,
  type Sender,
  type SenderOptions,
} from '../../src/delivery/http/index.ts';
import type { Resolver } from '../../src/destinations/index.ts';
import { type LocalServer, startServer } from '../delivery-http/local-server.ts';
import { installTripwire, type Tripwire } from './tripwire.ts';

// The sender with the SSRF guard on, end to end. Real sockets exist only on 127.0.0.1 and ::1; the
// tripwire stops (and records) any connect elsewhere, so a guard regression fails a test instead of
// reaching 10.x or a metadata service. A refusal must happen before any connect: the tripwire then
// records nothing, the local servers see no connection, and the attempt takes about no time.

const HINT = 'refused by the SSRF guard (BOOKFLOW_ALLOW_PRIVATE_DESTINATIONS=true lifts it in development)';
const BODY = '{"id":"7d3c7a43-64f3-4f65-9a4c-42d1c0b6e6b1","type":"meeting.booked","data":{}}';

let tripwire: Tripwire;
let v4: LocalServer;
let v6: LocalServer;
const senders: Sender[] = [];

beforeAll(async () => {
  tripwire = installTripwire();
  v4 = await startServer((_req, res) => res.end('reached'));
  v6 = await startServer((_req, res) => res.end('reached'), '::1');
});
afterAll(async () => {
  await Promise.all([v4.close(), v6.close()]);
  tripwire.uninstall();
});
let connectionsBefore = 0;
/** Connections the local servers accepted during the current test. */
const newConnections = () => v4.connections() + v6.connections() - connectionsBefore;
beforeEach(() => {
  tripwire.reset();
  connectionsBefore = v4.connections() + v6.connections();
});
afterEach(async () => {
  await Promise.all(senders.splice(0).map((s) => s.close()));
});

const { maxResponseBytes, connectionsPerOrigin } = testConfig({ masterKey: Buffer.alloc(32) });

function sender(options: Partial<SenderOptions> = {}): Sender {
  const s = createSender({
    connectTimeoutMs: 2_000,
    totalTimeoutMs: 5_000,
    maxResponseBytes,
    connectionsPerOrigin,
    ...options,
  });
  senders.push(s);
  return s;
}

function send(s: Sender, url: string): Promise<AttemptResult> {
  return s.send({ url, body: BODY, headers: { 'X-BookFlow-Signature': 'sha256=secret' } });
}

/** A resolver answering every name with the given addresses, recording the names asked. */
function resolverTo(...addresses: string[]): Resolver & { asked: string[] } {
  const asked: string[] = [];
  const resolve = async (hostname: string) => {
    asked.push(hostname);
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(resolve, { asked });
}

function expectRefusedBeforeConnect(result: AttemptResult, message: string): void {
  expect(result).toMatchObject({
    ok: false,
    statusCode: null,
    responseBody: null,
    retryAfterSeconds: null,
    error: { kind: 'destination_forbidden', message },
  });
  // No connect and no timeout waited: the refusal comes well before the sender's connect timeout
  // (2 s here), whatever the load; the tripwire below proves no socket was opened.
  expect(result.durationMs).toBeLessThan(2_000);
  expect(tripwire.connects).toEqual([]);
  expect(tripwire.blocked).toEqual([]);
  expect(newConnections()).toBe(0);
}

describe('SSRF guard in the sender: literal addresses, refused before connecting', () => {
  // Loopback spellings aimed at the ports where real servers listen: nothing may arrive there.
  it.each([
    ['http://127.0.0.1:{v4}/hooks', 'destination 127.0.0.1 is a loopback address'],
    ['http://127.255.0.1:{v4}/', 'destination 127.255.0.1 is a loopback address'],
    ['http://[::1]:{v6}/', 'destination ::1 is a loopback address'],
    ['http://[0:0:0:0:0:0:0:1]:{v6}/', 'destination ::1 is a loopback address'],
    [
      'http://[::ffff:127.0.0.1]:{v4}/',
      'destination ::ffff:7f00:1 is a loopback address (IPv4-mapped 127.0.0.1)',
    ],
    [
      'http://[::ffff:7f00:1]:{v4}/',
      'destination ::ffff:7f00:1 is a loopback address (IPv4-mapped 127.0.0.1)',
    ],
    ['http://2130706433:{v4}/', 'destination 127.0.0.1 is a loopback address'],
    ['http://0x7f.1:{v4}/', 'destination 127.0.0.1 is a loopback address'],
    ['http://0x7f000001:{v4}/', 'destination 127.0.0.1 is a loopback address'],
    ['http://017700000001:{v4}/', 'destination 127.0.0.1 is a loopback address'],
    ['http://127.1:{v4}/', 'destination 127.0.0.1 is a loopback address'],
    ['http://0:{v4}/', 'destination 0.0.0.0 is an unspecified ("this network") address'],
    ['http://0.0.0.0:{v4}/', 'destination 0.0.0.0 is an unspecified ("this network") address'],
    ['http://[::]:{v6}/', 'destination :: is an unspecified address'],
    ['http://localhost:{v4}/', 'destination localhost is a loopback name'],
    ['http://localhost.:{v4}/', 'destination localhost is a loopback name'],
    ['https://api.localhost:{v4}/', 'destination api.localhost is a loopback name'],
  ])('refuses %s', async (template, message) => {
    const url = template.replace('{v4}', String(v4.port)).replace('{v6}', String(v6.port));
    expectRefusedBeforeConnect(await send(sender(), url), `${message}; ${HINT}`);
  });

  it.each([
    ['http://10.0.0.5/', 'destination 10.0.0.5 is a private address'],
    ['http://172.16.0.1:8080/', 'destination 172.16.0.1 is a private address'],
    ['https://192.168.1.1/', 'destination 192.168.1.1 is a private address'],
    ['http://169.254.169.254/latest/meta-data/', 'destination 169.254.169.254 is a cloud metadata address'],
    ['http://2852039166/latest/meta-data/', 'destination 169.254.169.254 is a cloud metadata address'],
    ['http://0xa9.0xfe.0xa9.0xfe/', 'destination 169.254.169.254 is a cloud metadata address'],
    ['http://100.100.100.200/', 'destination 100.100.100.200 is a cloud metadata address'],
    ['http://169.254.1.1/', 'destination 169.254.1.1 is a link-local address'],
    ['http://100.64.0.1/', 'destination 100.64.0.1 is a carrier-grade NAT (shared) address'],
    ['http://224.0.0.1/', 'destination 224.0.0.1 is a multicast address'],
    ['http://255.255.255.255/', 'destination 255.255.255.255 is the broadcast address'],
    ['http://240.0.0.1/', 'destination 240.0.0.1 is a reserved address'],
    ['http://198.18.0.1/', 'destination 198.18.0.1 is a benchmarking address'],
    ['http://192.0.2.1/', 'destination 192.0.2.1 is a documentation address'],
    ['http://[fd00:ec2::254]/', 'destination fd00:ec2::254 is a cloud metadata address'],
    ['http://[fc00::5]/', 'destination fc00::5 is a private (unique local) address'],
    ['http://[fe80::1]/', 'destination fe80::1 is a link-local address'],
    ['http://[ff02::1]/', 'destination ff02::1 is a multicast address'],
    ['http://[2001:db8::1]/', 'destination 2001:db8::1 is a documentation address'],
    ['http://[::ffff:10.0.0.5]/', 'destination ::ffff:a00:5 is a private address (IPv4-mapped 10.0.0.5)'],
    [
      'http://[::ffff:169.254.169.254]/',
      'destination ::ffff:a9fe:a9fe is a cloud metadata address (IPv4-mapped 169.254.169.254)',
    ],
    ['http://[64:ff9b::a00:5]/', 'destination 64:ff9b::a00:5 is a private address (NAT64 10.0.0.5)'],
    [
      'http://[2002:a9fe:a9fe::]/',
      'destination 2002:a9fe:a9fe:: is a cloud metadata address (6to4 169.254.169.254)',
    ],
  ])('refuses %s', async (url, message) => {
    expectRefusedBeforeConnect(await send(sender(), url), `${message}; ${HINT}`);
  });
});

describe('SSRF guard in the sender: host names, refused at connect time', () => {
  it.each([
    ['127.0.0.1', 'a loopback address', 'v4'],
    ['::1', 'a loopback address', 'v6'],
    ['::ffff:127.0.0.1', 'a loopback address (IPv4-mapped 127.0.0.1)', 'v4'],
    ['10.0.0.5', 'a private address', 'v4'],
    ['192.168.0.7', 'a private address', 'v4'],
    ['169.254.169.254', 'a cloud metadata address', 'v4'],
    ['fd00:ec2::254', 'a cloud metadata address', 'v6'],
    ['fd12:3456::1', 'a private (unique local) address', 'v6'],
  ])('refuses a name resolving to %s', async (address, reason, family) => {
    const resolve = resolverTo(address);
    const port = family === 'v4' ? v4.port : v6.port;
    const result = await send(sender({ resolve }), `http://hooks.customer.test:${port}/bookflow`);
    expectRefusedBeforeConnect(
      result,
      `destination hooks.customer.test resolves to ${address}, ${reason}; ${HINT}`,
    );
    expect(resolve.asked).toEqual(['hooks.customer.test']);
  });

  it('refuses a name whose answer mixes a public address with a private one', async () => {
    const resolve = resolverTo('93.184.215.14', '10.0.0.5');
    const result = await send(sender({ resolve }), 'https://mixed.customer.test/');
    expectRefusedBeforeConnect(
      result,
      `destination mixed.customer.test resolves to 10.0.0.5, a private address; ${HINT}`,
    );
  });

  it('defeats DNS rebinding: the address checked is the address connected to', async () => {
    // The name answers with a public address first (what an earlier check, e.g. at endpoint
    // creation, would have seen), then with 127.0.0.1 (what an attacker's DNS serves next).
    const answers = ['93.184.215.14', '127.0.0.1'];
    const asked: string[] = [];
    const resolve: Resolver = async (hostname) => {
      asked.push(hostname);
      return [{ address: answers.shift() ?? '127.0.0.1', family: 4 }];
    };
    const { guardedLookup } = await import('../../src/destinations/index.ts');
    const earlier = await new Promise<string>((done) =>
      guardedLookup({ resolve })('rebind.customer.test', { all: false }, (error, address) =>
        done(error ? error.message : String(address)),
      ),
    );
    expect(earlier).toBe('93.184.215.14');

    const result = await send(sender({ resolve }), `http://rebind.customer.test:${v4.port}/`);
    expectRefusedBeforeConnect(
      result,
      `destination rebind.customer.test resolves to 127.0.0.1, a loopback address; ${HINT}`,
    );
    expect(asked).toEqual(['rebind.customer.test', 'rebind.customer.test']);
    expect(v4.requests).toHaveLength(0);
  });

  it('resolves again for every new connection', async () => {
    const resolve = resolverTo('10.9.8.7');
    const s = sender({ resolve });
    for (let i = 0; i < 3; i += 1) {
      expect((await send(s, 'http://again.customer.test/')).error?.kind).toBe('destination_forbidden');
    }
    expect(resolve.asked).toHaveLength(3);
  });
});

describe('SSRF guard in the sender: redirects', () => {
  it('does not follow a 302 toward the metadata address', async () => {
    const redirecting = await startServer((_req, res) => {
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/iam/security-credentials/' });
      res.end();
    });
    try {
      // The guard is lifted so the first hop can reach the local server; the redirect is still
      // reported, not followed, and nothing but that server was connected to.
      const result = await send(sender({ allowPrivateDestinations: true }), redirecting.url);
      expect(result).toMatchObject({ ok: false, statusCode: 302, error: { kind: 'redirect' } });
      expect(result.error?.message).toContain('http://169.254.169.254/latest/meta-data/');
      expect(tripwire.connects).toEqual(['127.0.0.1']);
      expect(tripwire.blocked).toEqual([]);
      expect(redirecting.requests).toHaveLength(1);
    } finally {
      await redirecting.close();
    }
  });

  it('refuses the redirect target itself when the guard is on', async () => {
    const result = await send(sender(), 'http://169.254.169.254/latest/meta-data/iam/security-credentials/');
    expectRefusedBeforeConnect(result, `destination 169.254.169.254 is a cloud metadata address; ${HINT}`);
  });
});

describe('allowPrivateDestinations and requireHttps', () => {
  it('lets 127.0.0.1 through when private destinations are allowed', async () => {
    const before = v4.requests.length;
    const result = await send(sender({ allowPrivateDestinations: true }), `${v4.url}/dev`);
    expect(result).toMatchObject({ ok: true, statusCode: 200, responseBody: 'reached', error: null });
    expect(v4.requests.slice(before).map((r) => r.url)).toEqual(['/dev']);
    expect(tripwire.connects).toEqual(['127.0.0.1']);
  });

  it('lets ::1, localhost (real resolution) and a name resolving to loopback through too', async () => {
    const allowed = sender({ allowPrivateDestinations: true });
    expect((await send(allowed, `${v6.url}/six`)).responseBody).toBe('reached');
    expect((await send(allowed, `http://localhost:${v4.port}/name`)).responseBody).toBe('reached');
    const viaResolver = sender({ allowPrivateDestinations: true, resolve: resolverTo('127.0.0.1') });
    expect((await send(viaResolver, `http://dev.customer.test:${v4.port}/`)).responseBody).toBe('reached');
  });

  it('refuses http: when https is required, before resolving or connecting', async () => {
    const resolve = resolverTo('93.184.215.14');
    const message =
      'destination hooks.customer.test uses http:, refused because https is required (BOOKFLOW_REQUIRE_HTTPS=true)';
    expectRefusedBeforeConnect(
      await send(sender({ resolve, requireHttps: true }), 'http://hooks.customer.test/'),
      message,
    );
    expect(resolve.asked).toEqual([]);
    // Allowing private destinations does not lift the https requirement.
    const local = await send(sender({ requireHttps: true, allowPrivateDestinations: true }), v4.url);
    expect(local.error).toEqual({
      kind: 'destination_forbidden',
      message: `destination 127.0.0.1 uses http:, refused because https is required (BOOKFLOW_REQUIRE_HTTPS=true)`,
    });
    expect(newConnections()).toBe(0);
  });

  it('lets https: through when https is required', async () => {
    // A plain HTTP port answering a TLS handshake: the attempt gets as far as TLS, past the gate.
    const result = await send(
      sender({ requireHttps: true, allowPrivateDestinations: true }),
      `https://127.0.0.1:${v4.port}/`,
    );
    expect(result.error?.kind).toBe('tls');
  });
});
