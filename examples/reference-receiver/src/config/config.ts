import { isWellFormedSecret, parseDuration, parseDurationList } from '@bookflow/events';

type Env = Record<string, string | undefined>;

interface Field<T> {
  env: string;
  description: string;
  /** Shown in the README table; `undefined` means "unset". */
  defaultText: string;
  parse(raw: string | undefined, env: Env): T;
}

class FieldError extends Error {}

function field<T>(spec: Field<T>): Field<T> {
  return spec;
}

function optionalString(raw: string | undefined): string | undefined {
  const value = raw?.trim();
  return value ? value : undefined;
}

function integer(raw: string | undefined, fallback: number, min: number, max: number): number {
  const value = optionalString(raw);
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new FieldError(`must be an integer from ${min} to ${max}`);
  return n;
}

function duration(raw: string | undefined, fallback: string): number {
  try {
    return parseDuration(optionalString(raw) ?? fallback);
  } catch (error) {
    throw new FieldError((error as Error).message);
  }
}

function boolean(raw: string | undefined, fallback: boolean): boolean {
  const value = optionalString(raw)?.toLowerCase();
  if (value === undefined) return fallback;
  if (['1', 'true', 'yes', 'on'].includes(value)) return true;
  if (['0', 'false', 'no', 'off'].includes(value)) return false;
  throw new FieldError('must be true or false');
}

function url(raw: string | undefined, protocols: readonly string[]): string | undefined {
  const value = optionalString(raw);
  if (value === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new FieldError('must be a URL');
  }
  if (!protocols.includes(parsed.protocol)) throw new FieldError(`must be a ${protocols.join(' or ')} URL`);
  return value;
}

const STORE_KINDS = ['postgres', 'redis', 'memory'] as const;
export type StoreKind = (typeof STORE_KINDS)[number];

/**
 * The reference consumer's configuration: one field per setting, each with its environment
 * variable, default and description (the README's table is checked against this list).
 */
export const CONFIG_FIELDS = {
  port: field({
    env: 'PORT',
    description: 'HTTP port of the reference consumer.',
    defaultText: '3000',
    parse: (raw) => integer(raw, 3000, 0, 65535),
  }),
  host: field({
    env: 'HOST',
    description: 'Interface to listen on.',
    defaultText: '0.0.0.0',
    parse: (raw) => optionalString(raw) ?? '0.0.0.0',
  }),
  path: field({
    env: 'BOOKFLOW_RECEIVER_PATH',
    description: 'Route that receives deliveries.',
    defaultText: '/webhooks/bookflow',
    parse: (raw) => {
      const value = optionalString(raw) ?? '/webhooks/bookflow';
      if (!value.startsWith('/')) throw new FieldError('must start with /');
      return value;
    },
  }),
  secrets: field({
    env: 'BOOKFLOW_WEBHOOK_SECRETS',
    description: 'Endpoint signing secrets, comma-separated (two during a rotation). Required.',
    defaultText: '(required)',
    parse: (raw) => {
      const secrets = (raw ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0);
      if (secrets.length === 0) {
        throw new FieldError(
          'is not set: copy the secret shown when the BookFlow endpoint was created (whsec_...); separate several with commas',
        );
      }
      const bad = secrets.filter((s) => !isWellFormedSecret(s)).length;
      // Never echo a secret, even a malformed one: count them instead.
      if (bad > 0)
        throw new FieldError(`${bad} of ${secrets.length} secret(s) are not whsec_<base64 of 32 bytes>`);
      return secrets;
    },
  }),
  store: field({
    env: 'BOOKFLOW_RECEIVER_STORE',
    description:
      'Dedupe and queue store: postgres (DATABASE_URL, or embedded PGlite), redis (REDIS_URL) or memory.',
    defaultText: 'postgres',
    parse: (raw): StoreKind => {
      const value = optionalString(raw) ?? 'postgres';
      if (!(STORE_KINDS as readonly string[]).includes(value)) {
        throw new FieldError(`must be one of ${STORE_KINDS.join(', ')}`);
      }
      return value as StoreKind;
    },
  }),
  databaseUrl: field({
    env: 'DATABASE_URL',
    description: 'PostgreSQL connection string. Unset: embedded PGlite under BOOKFLOW_RECEIVER_DATA_DIR.',
    defaultText: '(unset)',
    parse: (raw) => url(raw, ['postgres:', 'postgresql:']),
  }),
  dataDir: field({
    env: 'BOOKFLOW_RECEIVER_DATA_DIR',
    description: 'Directory of the embedded PGlite database (when DATABASE_URL is unset).',
    defaultText: './.bookflow-receiver',
    parse: (raw) => optionalString(raw) ?? './.bookflow-receiver',
  }),
  dbPoolSize: field({
    env: 'BOOKFLOW_RECEIVER_DB_POOL_SIZE',
    description: 'Connections in the Postgres pool.',
    defaultText: '10',
    parse: (raw) => integer(raw, 10, 1, 1000),
  }),
  redisUrl: field({
    env: 'REDIS_URL',
    description: 'Redis connection string; required when BOOKFLOW_RECEIVER_STORE=redis.',
    defaultText: '(unset)',
    parse: (raw, env) => {
      const value = url(raw, ['redis:', 'rediss:']);
      if (!value && optionalString(env.BOOKFLOW_RECEIVER_STORE) === 'redis') {
        throw new FieldError('is required when BOOKFLOW_RECEIVER_STORE=redis');
      }
      return value;
    },
  }),
  redisPrefix: field({
    env: 'BOOKFLOW_RECEIVER_REDIS_PREFIX',
    description: 'Prefix of the Redis keys (use a {hash tag} on Redis Cluster).',
    defaultText: 'bookflow:receiver:',
    parse: (raw) => optionalString(raw) ?? 'bookflow:receiver:',
  }),
  toleranceMs: field({
    env: 'BOOKFLOW_RECEIVER_TOLERANCE',
    description: 'Accepted difference between webhook-timestamp and this machine’s clock.',
    defaultText: '5m',
    parse: (raw) => duration(raw, '5m'),
  }),
  acceptBookFlowSignature: field({
    env: 'BOOKFLOW_RECEIVER_ACCEPT_BOOKFLOW_SIGNATURE',
    description:
      'Also accept the body-only X-BookFlow-Signature scheme (no replay protection beyond the dedupe TTL).',
    defaultText: 'false',
    parse: (raw) => boolean(raw, false),
  }),
  dedupeTtlMs: field({
    env: 'BOOKFLOW_RECEIVER_DEDUPE_TTL',
    description: 'How long an event id is remembered as seen.',
    defaultText: '7d',
    parse: (raw) => duration(raw, '7d'),
  }),
  retryScheduleMs: field({
    env: 'BOOKFLOW_RECEIVER_RETRY_SCHEDULE',
    description: 'Delays between handler attempts; after the last one fails the event is dead-lettered.',
    defaultText: '5s,30s,2m,10m,1h',
    parse: (raw) => {
      try {
        return parseDurationList(raw ?? '5s,30s,2m,10m,1h');
      } catch (error) {
        throw new FieldError((error as Error).message);
      }
    },
  }),
  worker: field({
    env: 'BOOKFLOW_RECEIVER_WORKER',
    description:
      'Run the worker in this process (false: receive only; run workers elsewhere on the same store).',
    defaultText: 'true',
    parse: (raw) => boolean(raw, true),
  }),
  concurrency: field({
    env: 'BOOKFLOW_RECEIVER_CONCURRENCY',
    description: 'Handlers run at once by this process.',
    defaultText: '8',
    parse: (raw) => integer(raw, 8, 1, 1000),
  }),
  leaseMs: field({
    env: 'BOOKFLOW_RECEIVER_LEASE',
    description:
      'Lease on a claimed job, renewed while the handler runs; a crashed worker’s jobs return after it.',
    defaultText: '60s',
    parse: (raw) => duration(raw, '60s'),
  }),
  pollIntervalMs: field({
    env: 'BOOKFLOW_RECEIVER_POLL_INTERVAL',
    description: 'Longest idle wait of the worker between looks at the queue.',
    defaultText: '1s',
    parse: (raw) => duration(raw, '1s'),
  }),
  reapIntervalMs: field({
    env: 'BOOKFLOW_RECEIVER_REAP_INTERVAL',
    description: 'How often expired leases are returned to the queue.',
    defaultText: '15s',
    parse: (raw) => duration(raw, '15s'),
  }),
  sweepIntervalMs: field({
    env: 'BOOKFLOW_RECEIVER_SWEEP_INTERVAL',
    description: 'How often expired dedupe rows are deleted (Postgres).',
    defaultText: '10m',
    parse: (raw) => duration(raw, '10m'),
  }),
  shutdownTimeoutMs: field({
    env: 'BOOKFLOW_RECEIVER_SHUTDOWN_TIMEOUT',
    description: 'How long shutdown waits for running handlers before giving their jobs back.',
    defaultText: '10s',
    parse: (raw) => duration(raw, '10s'),
  }),
  slackWebhookUrl: field({
    env: 'BOOKFLOW_RECEIVER_SLACK_WEBHOOK_URL',
    description: 'Slack Incoming Webhook for dead-letter alerts.',
    defaultText: '(unset)',
    parse: (raw) => url(raw, ['https:', 'http:']),
  }),
  pagerDutyRoutingKey: field({
    env: 'BOOKFLOW_RECEIVER_PAGERDUTY_ROUTING_KEY',
    description: 'PagerDuty Events API v2 routing key for dead-letter alerts.',
    defaultText: '(unset)',
    parse: (raw) => optionalString(raw),
  }),
  pagerDutyUrl: field({
    env: 'BOOKFLOW_RECEIVER_PAGERDUTY_URL',
    description: 'PagerDuty Events API v2 endpoint.',
    defaultText: 'https://events.pagerduty.com/v2/enqueue',
    parse: (raw) => url(raw, ['https:', 'http:']) ?? 'https://events.pagerduty.com/v2/enqueue',
  }),
  logLevel: field({
    env: 'LOG_LEVEL',
    description: 'pino log level: fatal, error, warn, info, debug, trace or silent.',
    defaultText: 'info',
    parse: (raw) => {
      const value = optionalString(raw) ?? 'info';
      if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(value)) {
        throw new FieldError('must be fatal, error, warn, info, debug, trace or silent');
      }
      return value;
    },
  }),
};

export type ReceiverConfig = {
  [K in keyof typeof CONFIG_FIELDS]: ReturnType<(typeof CONFIG_FIELDS)[K]['parse']>;
};

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export interface LoadOptions {
  /** The dead-letter commands verify nothing: unset secrets are then an empty list, not an error. */
  secretsOptional?: boolean;
}

/** Reads every field from the environment and reports all problems at once, not just the first. */
export function loadConfig(env: Env = process.env, options: LoadOptions = {}): ReceiverConfig {
  const config: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, spec] of Object.entries(CONFIG_FIELDS) as [string, Field<unknown>][]) {
    if (key === 'secrets' && options.secretsOptional && !optionalString(env[spec.env])) {
      config[key] = [];
      continue;
    }
    try {
      config[key] = spec.parse(env[spec.env], env);
    } catch (error) {
      if (!(error instanceof FieldError)) throw error;
      problems.push(`${spec.env} ${error.message}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config as ReceiverConfig;
}
