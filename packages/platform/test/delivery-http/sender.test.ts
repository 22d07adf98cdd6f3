import { afterEach, describe, expect, it } from 'vitest';
import { testConfig } from '../../src/config/config.ts';
import {
  createSender,
  type Sender,
  type SenderLimits,
  type SenderOptions,
} from '../../src/delivery/http/index.ts';
import type { Resolver } from '../../src/destinations/index.ts';
import { closedPort, type LocalServer, startServer } from './local-server.ts';

const SIGNATURE = 'sha256=0123456789abcdef-do-not-leak';
const BODY = JSON.stringify({ id: '7d3c7a43-64f3-4f65-9a4c-42d1c0b6e6b1', type: 'meeting.booked', data: {} });
const HEADERS = {
  'Content-Type': 'application/json',
  'X-BookFlow-Event-Id': '7d3c7a43-64f3-4f65-9a4c-42d1c0b6e6b1',
  'X-BookFlow-Signature': SIGNATURE,
  'webhook-id': '7d3c7a43-64f3-4f65-9a4c-42d1c0b6e6b1',
};

const servers: LocalServer[] = [];
const senders: Sender[] = [];

async function server(handler: Parameters<typeof startServer>[0]): Promise<LocalServer> {
  const s = await startServer(handler);
  servers.push(s);
  return s;
}

// These tests exercise HTTP behaviour against servers on 127.0.0.1, so the SSRF guard is lifted;
// test/destinations covers the guard itself.
// The configured limits, as the platform passes them; the tests below shorten the timeouts.
const { connectTimeoutMs, totalTimeoutMs, maxResponseBytes, connectionsPerOrigin } = testConfig({
  masterKey: Buffer.alloc(32),
});
const CONFIGURED: SenderLimits = { connectTimeoutMs, totalTimeoutMs, maxResponseBytes, connectionsPerOrigin };

function sender(options: Partial<SenderOptions> = {}): Sender {
  const s = createSender({
    ...CONFIGURED,
    connectTimeoutMs: 2_000,
    totalTimeoutMs: 5_000,
    allowPrivateDestinations: true,
    ...options,
  });
  senders.push(s);
  return s;
}

afterEach(async () => {
  await Promise.all(senders.splice(0).map((s) => s.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('createSender', () => {
  it('delivers the exact body and headers and captures a 200 answer', async () => {
    const target = await server((_req, res) => res.end('{"received":true}'));
    const result = await sender().send({ url: `${target.url}/hooks?x=1`, body: BODY, headers: HEADERS });

    expect(result).toMatchObject({
      ok: true,
      statusCode: 200,
      responseBody: '{"received":true}',
      responseTruncated: false,
      retryAfterSeconds: null,
      error: null,
    });
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    const [received] = target.requests;
    expect(received?.method).toBe('POST');
    expect(received?.url).toBe('/hooks?x=1');
    expect(received?.body.toString('utf8')).toBe(BODY);
    expect(received?.headers).toMatchObject({
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(BODY)),
      'x-bookflow-event-id': HEADERS['X-BookFlow-Event-Id'],
      'x-bookflow-signature': SIGNATURE,
      'webhook-id': HEADERS['webhook-id'],
      'user-agent': 'BookFlow-Webhooks/0.1',
    });
  });

  it('sends a Buffer body byte for byte', async () => {
    const target = await server((_req, res) => res.end());
    const bytes = Buffer.from([0x7b, 0x22, 0xc3, 0xa9, 0x22, 0x7d]);
    const result = await sender().send({ url: target.url, body: bytes, headers: {} });
    expect(result.ok).toBe(true);
    expect(result.responseBody).toBe('');
    expect(target.requests[0]?.body.equals(bytes)).toBe(true);
  });

  it('captures a 500 answer as an http_status failure', async () => {
    const target = await server((_req, res) => {
      res.statusCode = 500;
      res.end('database down');
    });
    const result = await sender().send({ url: target.url, body: BODY, headers: HEADERS });
    expect(result).toMatchObject({
      ok: false,
      statusCode: 500,
      responseBody: 'database down',
      error: { kind: 'http_status', message: 'HTTP 500' },
    });
  });

  it('never follows a redirect', async () => {
    const elsewhere = await server((_req, res) => res.end('should not be reached'));
    const target = await server((_req, res) => {
      res.writeHead(301, { location: `${elsewhere.url}/moved` });
      res.end();
    });
    const result = await sender().send({ url: target.url, body: BODY, headers: HEADERS });
    expect(result.ok).toBe(false);
    expect(result.statusCode).toBe(301);
    expect(result.error?.kind).toBe('redirect');
    expect(result.error?.message).toContain(`${elsewhere.url}/moved`);
    expect(elsewhere.requests).toHaveLength(0);
    expect(elsewhere.connections()).toBe(0);
  });

  it('gives up after the total timeout when the server never answers', async () => {
    const target = await server(() => {});
    const result = await sender({ totalTimeoutMs: 300 }).send({
      url: target.url,
      body: BODY,
      headers: HEADERS,
    });
    expect(result).toMatchObject({ ok: false, statusCode: null, responseBody: null });
    expect(result.error?.kind).toBe('timeout');
    expect(result.durationMs).toBeGreaterThanOrEqual(290);
    expect(result.durationMs).toBeLessThan(2_000);
  });

  it('times out a body that starts but never finishes, keeping the status', async () => {
    const target = await server((_req, res) => {
      res.writeHead(200);
      res.write('partial');
    });
    const result = await sender({ totalTimeoutMs: 300 }).send({
      url: target.url,
      body: BODY,
      headers: HEADERS,
    });
    // The 200 already arrived: the receiver accepted the event, so the attempt counts as delivered.
    expect(result).toMatchObject({
      ok: true,
      statusCode: 200,
      responseBody: 'partial',
      responseTruncated: true,
    });
  });

  it('reports a refused connection', async () => {
    const port = await closedPort();
    const result = await sender().send({ url: `http://127.0.0.1:${port}/`, body: BODY, headers: HEADERS });
    expect(result).toMatchObject({ ok: false, statusCode: null, error: { kind: 'connection_refused' } });
    expect(result.error?.message).toContain('ECONNREFUSED');
  });

  it('reports a DNS failure for a .invalid name without leaving the machine', async () => {
    // RFC 6761: .invalid never resolves. The resolver answers as a compliant one would, so the
    // test sends no query to the machine's DNS server.
    const lookups: string[] = [];
    const resolve: Resolver = async (hostname) => {
      lookups.push(hostname);
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname });
    };
    const result = await sender({ resolve }).send({
      url: 'http://hooks.bookflow.invalid/',
      body: BODY,
      headers: {},
    });
    expect(lookups).toEqual(['hooks.bookflow.invalid']);
    expect(result).toMatchObject({ ok: false, statusCode: null, error: { kind: 'dns' } });
  });

  it('reports a DNS failure as dns with the SSRF guard on too', async () => {
    const resolve: Resolver = async (hostname) => {
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    };
    const result = await sender({ resolve, allowPrivateDestinations: false }).send({
      url: 'http://gone.bookflow.invalid/',
      body: BODY,
      headers: {},
    });
    expect(result).toMatchObject({ ok: false, statusCode: null, error: { kind: 'dns' } });
  });

  it('connects to the address the resolver returns', async () => {
    const target = await server((_req, res) => res.end('ok'));
    const resolve: Resolver = async () => [{ address: '127.0.0.1', family: 4 }];
    const result = await sender({ resolve }).send({
      url: `http://receiver.example.test:${target.port}/`,
      body: BODY,
      headers: {},
    });
    expect(result).toMatchObject({ ok: true, responseBody: 'ok' });
    expect(target.requests[0]?.headers.host).toBe(`receiver.example.test:${target.port}`);
  });

  it('reports a connect timeout (here: a resolver that never answers)', async () => {
    const resolve: Resolver = () => new Promise(() => {});
    const result = await sender({ resolve, connectTimeoutMs: 200 }).send({
      url: 'http://stuck.example.test/',
      body: BODY,
      headers: {},
    });
    expect(result).toMatchObject({ ok: false, statusCode: null, error: { kind: 'connect_timeout' } });
  });

  it('reports a reset when the server drops the connection', async () => {
    const target = await server((req) => req.socket.destroy());
    const result = await sender().send({ url: target.url, body: BODY, headers: HEADERS });
    expect(result).toMatchObject({ ok: false, statusCode: null, error: { kind: 'connection_reset' } });
  });

  it('reports a TLS failure (https:// to a plain HTTP port)', async () => {
    const target = await server((_req, res) => res.end());
    const result = await sender().send({ url: `https://127.0.0.1:${target.port}/`, body: BODY, headers: {} });
    expect(result).toMatchObject({ ok: false, statusCode: null, error: { kind: 'tls' } });
  });

  it.each([
    ['not a url', 'cannot be parsed'],
    ['ftp://127.0.0.1/', 'unsupported URL scheme ftp:'],
  ])('rejects %j as invalid_url without a request', async (url, message) => {
    const result = await sender().send({ url, body: BODY, headers: {} });
    expect(result).toMatchObject({ ok: false, statusCode: null, error: { kind: 'invalid_url' } });
    expect(result.error?.message).toContain(message);
  });

  it('never puts request headers in error messages', async () => {
    const reset = await server((req) => req.socket.destroy());
    const silent = await server(() => {});
    const port = await closedPort();
    const s = sender({ totalTimeoutMs: 300 });
    const results = await Promise.all(
      [reset.url, silent.url, `http://127.0.0.1:${port}`].map((url) =>
        s.send({ url, body: BODY, headers: HEADERS }),
      ),
    );
    for (const result of results) {
      expect(result.error).not.toBeNull();
      expect(JSON.stringify(result)).not.toContain(SIGNATURE);
    }
  });
});

describe('response bodies', () => {
  it('keeps only maxResponseBytes of a 5 MB body', async () => {
    const big = Buffer.alloc(5 * 1024 * 1024, 'a');
    const target = await server((_req, res) => res.end(big));
    const result = await sender().send({ url: target.url, body: BODY, headers: {} });
    expect(result.ok).toBe(true);
    expect(result.responseTruncated).toBe(true);
    expect(result.responseBody).toHaveLength(maxResponseBytes);
    expect(result.responseBody).toBe('a'.repeat(maxResponseBytes));
  });

  it('stops reading a 50 MB stream early instead of downloading it', async () => {
    const total = 50 * 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024, 'b');
    let written = 0;
    let closedBeforeEnd: Promise<boolean> = Promise.resolve(false);
    const target = await server((_req, res) => {
      closedBeforeEnd = new Promise((resolve) => res.on('close', () => resolve(!res.writableFinished)));
      res.writeHead(200, { 'content-length': String(total) });
      const pump = () => {
        while (written < total) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    });
    const result = await sender({ maxResponseBytes: 1_000 }).send({
      url: target.url,
      body: BODY,
      headers: {},
    });
    expect(result).toMatchObject({ ok: true, responseTruncated: true });
    expect(result.responseBody).toBe('b'.repeat(1_000));
    expect(await closedBeforeEnd).toBe(true);
    // Only what the kernel's socket buffers absorbed was ever produced, far below 50 MB.
    expect(written).toBeLessThan(total / 2);
  });

  // One connection per origin makes reuse observable: a destroyed socket forces a second one.
  it('drains a body a little over the limit so the connection is reused', async () => {
    const target = await server((_req, res) => res.end('c'.repeat(20_000)));
    const s = sender({ connectionsPerOrigin: 1 });
    const first = await s.send({ url: target.url, body: BODY, headers: {} });
    const second = await s.send({ url: target.url, body: BODY, headers: {} });
    expect(first).toMatchObject({ ok: true, responseTruncated: true });
    expect(first.responseBody).toHaveLength(maxResponseBytes);
    expect(second.ok).toBe(true);
    expect(target.connections()).toBe(1);
  });

  it('closes the connection rather than drain a body far over the limit', async () => {
    const target = await server((_req, res) => res.end('d'.repeat(1024 * 1024)));
    const s = sender({ connectionsPerOrigin: 1 });
    await s.send({ url: target.url, body: BODY, headers: {} });
    await s.send({ url: target.url, body: BODY, headers: {} });
    expect(target.connections()).toBe(2);
  });

  it('does not split a multi-byte character at the cut', async () => {
    const target = await server((_req, res) => res.end('ééé'));
    const result = await sender({ maxResponseBytes: 5 }).send({ url: target.url, body: BODY, headers: {} });
    expect(result).toMatchObject({ responseBody: 'éé', responseTruncated: true });
  });

  it('keeps a body of exactly maxResponseBytes as complete', async () => {
    const target = await server((_req, res) => res.end('12345'));
    const result = await sender({ maxResponseBytes: 5 }).send({ url: target.url, body: BODY, headers: {} });
    expect(result).toMatchObject({ responseBody: '12345', responseTruncated: false });
  });
});

describe('Retry-After', () => {
  it('reads delay-seconds on a 429', async () => {
    const target = await server((_req, res) => {
      res.writeHead(429, { 'retry-after': '120' });
      res.end('slow down');
    });
    const result = await sender().send({ url: target.url, body: BODY, headers: {} });
    expect(result).toMatchObject({
      ok: false,
      statusCode: 429,
      retryAfterSeconds: 120,
      error: { kind: 'http_status' },
    });
  });

  it('reads an HTTP-date on a 503', async () => {
    const target = await server((_req, res) => {
      res.writeHead(503, { 'retry-after': new Date(Date.now() + 600_000).toUTCString() });
      res.end();
    });
    const result = await sender().send({ url: target.url, body: BODY, headers: {} });
    expect(result.statusCode).toBe(503);
    expect(result.retryAfterSeconds).toBeGreaterThanOrEqual(598);
    expect(result.retryAfterSeconds).toBeLessThanOrEqual(601);
  });

  it('ignores Retry-After on other statuses', async () => {
    const target = await server((_req, res) => {
      res.writeHead(500, { 'retry-after': '120' });
      res.end();
    });
    const result = await sender().send({ url: target.url, body: BODY, headers: {} });
    expect(result.retryAfterSeconds).toBeNull();
  });
});

describe('connection reuse', () => {
  it('sends consecutive attempts to one receiver over few kept-alive sockets', async () => {
    const target = await server((_req, res) => res.end('ok'));
    const s = sender();
    for (let i = 0; i < 20; i += 1) {
      expect((await s.send({ url: target.url, body: BODY, headers: {} })).ok).toBe(true);
    }
    expect(target.requests).toHaveLength(20);
    // Back to back, the second send is dispatched before undici marks the first socket idle, so
    // the pool opens one more; from then on the two are reused (measured: 2 sockets for 20 sends).
    expect(target.connections()).toBeLessThanOrEqual(2);
  });

  it('uses exactly one socket when limited to one connection per origin', async () => {
    const target = await server((_req, res) => res.end('ok'));
    const s = sender({ connectionsPerOrigin: 1 });
    for (let i = 0; i < 5; i += 1) await s.send({ url: target.url, body: BODY, headers: {} });
    expect(target.connections()).toBe(1);
  });

  it('opens no more than connectionsPerOrigin sockets for concurrent attempts', async () => {
    const target = await server((_req, res) => setTimeout(() => res.end('ok'), 20));
    const s = sender({ connectionsPerOrigin: 2 });
    const results = await Promise.all(
      Array.from({ length: 8 }, () => s.send({ url: target.url, body: BODY, headers: {} })),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    expect(target.connections()).toBeLessThanOrEqual(2);
  });
});

describe('options', () => {
  it('lets the caller set the User-Agent without sending it twice', async () => {
    const target = await server((_req, res) => res.end());
    await sender({ userAgent: 'Custom/1' }).send({ url: target.url, body: BODY, headers: {} });
    await sender().send({ url: target.url, body: BODY, headers: { 'User-Agent': 'Override/2' } });
    expect(target.requests.map((r) => r.headers['user-agent'])).toEqual(['Custom/1', 'Override/2']);
  });

  it('rejects nonsensical limits at creation', () => {
    expect(() => createSender({ ...CONFIGURED, totalTimeoutMs: 0 })).toThrow(RangeError);
    expect(() => createSender({ ...CONFIGURED, maxResponseBytes: -1 })).toThrow(RangeError);
    expect(() => createSender({ ...CONFIGURED, connectionsPerOrigin: Number.NaN })).toThrow(RangeError);
  });
});
