// The platform's API role in the bench process, listening on 127.0.0.1, and the few calls the
// benchmarks make through it (accounts and endpoints are created through the real API).
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { sampleData } from '@bookflow/events';
import type { Db } from '@bookflow/pg';
import { type Pool, request } from 'undici';
import { createPlatform, type Platform } from '../../packages/platform/src/app.ts';
import { type PlatformConfig, testConfig } from '../../packages/platform/src/config/config.ts';
import { onCleanup } from './cleanup.ts';

export const ADMIN_TOKEN = 'bench-admin';
/** One master key for every platform of the run: the API seals endpoint secrets, workers open them. */
export const MASTER_KEY = randomBytes(32);

/** What every platform of the run shares; callers add roles and their own settings. */
export function benchConfig(overrides: Partial<PlatformConfig>): PlatformConfig {
  return testConfig({
    adminToken: ADMIN_TOKEN,
    masterKey: MASTER_KEY,
    // Receivers listen on 127.0.0.1, which the SSRF guard refuses by default.
    allowPrivateDestinations: true,
    logLevel: 'warn',
    host: '127.0.0.1',
    port: 0,
    // The per-key limit (6,000/min by default) would answer 429 to a benchmark.
    apiRateLimitPerMinute: 0,
    ...overrides,
  });
}

/** The publish request body every benchmark sends: a ~1 KB meeting.booked. */
export const PUBLISH_BODY = JSON.stringify({
  type: 'meeting.booked',
  data: sampleData('meeting.booked', { seed: 1 }),
});

/** POSTs JSON with a bearer token through an undici pool; the JSON answer, or an error naming the status. */
export async function postJson(pool: Pool, path: string, token: string, body: unknown) {
  const res = await pool.request({
    method: 'POST',
    path,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = (await res.body.json()) as Record<string, string>;
  if (res.statusCode >= 300) throw new Error(`${path}: ${res.statusCode} ${JSON.stringify(answer)}`);
  return answer;
}

/** POST /v1/events with PUBLISH_BODY as the account of `key`: the answer, its body not read yet. */
export function publish(pool: Pool, key: string) {
  return pool.request({
    method: 'POST',
    path: '/v1/events',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: PUBLISH_BODY,
  });
}

export interface BenchAccount {
  key: string;
  accountId: string;
  endpointIds: string[];
}

export interface Api {
  url: string;
  platform: Platform;
  /** An account with one endpoint per url, subscribed to meeting.booked. */
  account(endpointUrls: readonly string[]): Promise<BenchAccount>;
  stop(): Promise<void>;
}

/**
 * Starts the api role on `databaseUrl` (its own pool, as deployed) or on an open `db` (PGlite);
 * `overrides` for a child process that must seal with its parent's master key.
 */
export async function startApi(
  source: { databaseUrl: string } | { db: Db },
  overrides: Partial<PlatformConfig> = {},
): Promise<Api> {
  const config = benchConfig({ roles: ['api'], ...('databaseUrl' in source ? source : {}), ...overrides });
  const platform = await createPlatform(config, 'db' in source ? { db: source.db } : {});
  const stop = onCleanup('platform api', () => platform.stop());
  await platform.start();
  const url = `http://127.0.0.1:${(platform.api!.server.address() as AddressInfo).port}`;
  const post = async (path: string, token: string, body: unknown) => {
    const res = await request(`${url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = (await res.body.json()) as Record<string, string>;
    if (res.statusCode >= 300) throw new Error(`${path}: ${res.statusCode} ${JSON.stringify(json)}`);
    return json;
  };
  return {
    url,
    platform,
    async account(endpointUrls) {
      const { api_key: key, id: accountId } = await post('/v1/accounts', ADMIN_TOKEN, { name: 'bench' });
      const endpointIds: string[] = [];
      for (const endpoint of endpointUrls) {
        const created = await post('/v1/endpoints', key!, { url: endpoint, event_types: ['meeting.booked'] });
        endpointIds.push(created.id!);
      }
      return { key: key!, accountId: accountId!, endpointIds };
    },
    stop,
  };
}
