// The readers loadConfig applies to each variable: each parses one value, applies its default and
// throws a ConfigError that names the variable and says what to fix.
import { parseDuration } from '@bookflow/events';
import { DEFAULT_RETRY_SCHEDULE, parseSchedule } from './retry-schedule.ts';

/** What a process runs: the HTTP API, the delivery worker, or both. */
export type Role = 'api' | 'worker';

/** PagerDuty's Events API v2, where alerts go unless BOOKFLOW_PAGERDUTY_EVENTS_URL says otherwise. */
export const DEFAULT_PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export type Env = Record<string, string | undefined>;

export function int(env: Env, name: string, fallback: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new ConfigError(`${name} must be an integer >= ${min}, got "${raw}"`);
  }
  return value;
}

export function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['true', '1', 'yes'].includes(raw)) return true;
  if (['false', '0', 'no'].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got "${env[name]}"`);
}

export function duration(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  try {
    return parseDuration(raw);
  } catch (err) {
    throw new ConfigError(`${name}: ${(err as Error).message}`);
  }
}

/** BOOKFLOW_MASTER_KEY: 32 bytes as 64 hex characters or base64. */
export function masterKey(raw: string | undefined): Buffer | null {
  const text = raw?.trim();
  if (!text) return null;
  const key = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (key.length !== 32) {
    throw new ConfigError(
      'BOOKFLOW_MASTER_KEY must be 32 bytes, as 64 hex characters or base64 (generate one with: openssl rand -hex 32)',
    );
  }
  return key;
}

export function roles(raw: string | undefined): Role[] {
  const list = (raw ?? 'api,worker')
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  for (const r of list) {
    if (r !== 'api' && r !== 'worker') {
      throw new ConfigError(`BOOKFLOW_ROLES may contain "api" and "worker", got "${r}"`);
    }
  }
  if (list.length === 0)
    throw new ConfigError('BOOKFLOW_ROLES is empty: give "api", "worker" or "api,worker"');
  return [...new Set(list)] as Role[];
}

export function schedule(raw: string | undefined): number[] {
  try {
    return parseSchedule(raw && raw.trim() !== '' ? raw : DEFAULT_RETRY_SCHEDULE);
  } catch (err) {
    throw new ConfigError(`BOOKFLOW_RETRY_SCHEDULE: ${(err as Error).message}`);
  }
}

/** OTEL_EXPORTER_OTLP_ENDPOINT: an http(s) URL, or unset for no tracing. */
export function otlpEndpoint(raw: string | undefined): string | null {
  const text = raw?.trim();
  if (!text) return null;
  const url = URL.parse(text);
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new ConfigError(
      `OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL such as http://127.0.0.1:4318, got "${text}"`,
    );
  }
  return text;
}
