import { Writable } from 'node:stream';
import type { Db } from '@bookflow/pg';
import pino from 'pino';
import { createPlatform, type Platform, type PlatformOverrides } from '../../src/app.ts';
import { type PlatformConfig, testConfig } from '../../src/config/config.ts';

export const ADMIN_TOKEN = 'test-admin-token';
/** One master key for every platform of a test run, so platforms sharing a database can open each other's secrets. */
export const TEST_MASTER_KEY_HEX = '6b'.repeat(32);

/** Log lines captured in memory, so tests can assert on them (and that no secret appears). */
export function captureLogs() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'debug' }, stream) };
}

/** A platform on the given database with a short retry schedule, not listening (tests use inject). */
export async function testPlatform(
  db: Db,
  overrides: Partial<PlatformConfig> = {},
  /** Extra parts for the composition root, e.g. a fake clock for the trial scheduler. */
  parts: Pick<PlatformOverrides, 'clock'> = {},
) {
  const logs = captureLogs();
  const config = testConfig({
    adminToken: ADMIN_TOKEN,
    masterKey: Buffer.from(TEST_MASTER_KEY_HEX, 'hex'),
    // Test endpoints listen on 127.0.0.1, which the SSRF guard refuses by default.
    allowPrivateDestinations: true,
    retryScheduleMs: [50, 50, 50, 50, 50, 50],
    pollIntervalMs: 100,
    reaperIntervalMs: 200,
    totalTimeoutMs: 2_000,
    leaseMs: 5_000,
    ...overrides,
  });
  const platform = await createPlatform(config, { db, logger: logs.logger, ...parts });
  await platform.worker?.start();
  return { platform, logs, ...client(platform) };
}

/** Small helpers over app.inject for the calls every test makes. */
export function client(platform: Platform) {
  const api = platform.api!;
  async function call(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    key: string | null,
    body?: unknown,
    headers: Record<string, string> = {},
  ) {
    const res = await api.inject({
      method,
      url,
      headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers },
      ...(body !== undefined ? { payload: body as object } : {}),
    });
    return { status: res.statusCode, body: res.body ? safeJson(res.body) : null, headers: res.headers };
  }
  return {
    call,
    async createAccount(extra: Record<string, unknown> = {}) {
      const res = await call('POST', '/v1/accounts', ADMIN_TOKEN, { name: 'Acme', ...extra });
      if (res.status !== 201) throw new Error(`account creation failed: ${JSON.stringify(res.body)}`);
      return res.body as { id: string; api_key: string };
    },
    async createEndpoint(key: string, url: string, eventTypes: string[] = ['meeting.booked']) {
      const res = await call('POST', '/v1/endpoints', key, { url, event_types: eventTypes });
      if (res.status !== 201) throw new Error(`endpoint creation failed: ${JSON.stringify(res.body)}`);
      return res.body as { id: string; secret: string };
    },
    async publish(key: string, type: string, data: unknown, headers: Record<string, string> = {}) {
      return call('POST', '/v1/events', key, { type, data }, headers);
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Polls until check() returns a truthy value or the time runs out. For states reached asynchronously. */
export async function eventually<T>(
  check: () => Promise<T | null | undefined | false>,
  timeoutMs = 15_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const value = await check();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`condition not reached in ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
}
