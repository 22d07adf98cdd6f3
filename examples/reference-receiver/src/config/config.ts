import {
  booleanField,
  checkedField,
  choiceField,
  durationField,
  type Env,
  FieldError,
  field,
  integerField,
  optionalString,
  optionalTextField,
  readFields,
  textField,
  url,
  urlField,
  type ValuesOf,
} from '@bookflow/env-config';
import { formatDuration, isWellFormedSecret, parseDurationList } from '@bookflow/events';
import {
  DEFAULT_DEDUPE_TTL_MS,
  DEFAULT_RETRY_POLICY,
  DEFAULT_WORKER_OPTIONS,
  PAGERDUTY_EVENTS_URL,
} from '@bookflow/receiver';
import { VOLUME_FIELDS } from './volume-fields.ts';

const STORE_KINDS = ['postgres', 'redis', 'memory'] as const;
export type StoreKind = (typeof STORE_KINDS)[number];
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
/** The kit's retry delays, spelled as BOOKFLOW_RECEIVER_RETRY_SCHEDULE takes them. */
const DEFAULT_RETRY_SCHEDULE = DEFAULT_RETRY_POLICY.delaysMs.map(formatDuration).join(',');

/**
 * The reference consumer's configuration: one field per setting, each with its environment
 * variable, default and description (the README's table is checked against this list).
 */
export const CONFIG_FIELDS = {
  port: integerField('PORT', 3000, { min: 0, max: 65535 }, 'HTTP port of the reference consumer.'),
  host: textField('HOST', '0.0.0.0', 'Interface to listen on.'),
  path: checkedField(
    textField('BOOKFLOW_RECEIVER_PATH', '/webhooks/bookflow', 'Route that receives deliveries.'),
    (path) => (path.startsWith('/') ? undefined : 'must start with /'),
  ),
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
  store: choiceField(
    'BOOKFLOW_RECEIVER_STORE',
    'postgres',
    STORE_KINDS,
    'Dedupe and queue store: postgres (DATABASE_URL, or embedded PGlite), redis (REDIS_URL) or memory.',
  ),
  databaseUrl: urlField(
    'DATABASE_URL',
    ['postgres:', 'postgresql:'],
    'PostgreSQL connection string. Unset: embedded PGlite under BOOKFLOW_RECEIVER_DATA_DIR.',
  ),
  dataDir: textField(
    'BOOKFLOW_RECEIVER_DATA_DIR',
    './.bookflow-receiver',
    'Directory of the embedded PGlite database (when DATABASE_URL is unset).',
  ),
  dbPoolSize: integerField(
    'BOOKFLOW_RECEIVER_DB_POOL_SIZE',
    10,
    { min: 1, max: 1000 },
    'Connections in the Postgres pool.',
  ),
  redisUrl: urlField(
    'REDIS_URL',
    ['redis:', 'rediss:'],
    'Redis connection string; required when BOOKFLOW_RECEIVER_STORE=redis.',
    { with: 'BOOKFLOW_RECEIVER_STORE', equals: 'redis' },
  ),
  otlpEndpoint: urlField(
    'OTEL_EXPORTER_OTLP_ENDPOINT',
    ['http:', 'https:'],
    'OTLP/HTTP endpoint for traces (a Collector or Datadog Agent, e.g. http://127.0.0.1:4318). Unset: no tracing.',
  ),
  redisPrefix: textField(
    'BOOKFLOW_RECEIVER_REDIS_PREFIX',
    'bookflow:receiver:',
    'Prefix of the Redis keys (use a {hash tag} on Redis Cluster).',
  ),
  toleranceMs: durationField(
    'BOOKFLOW_RECEIVER_TOLERANCE',
    '5m',
    'Accepted difference between webhook-timestamp and this machine’s clock.',
  ),
  acceptBookFlowSignature: booleanField(
    'BOOKFLOW_RECEIVER_ACCEPT_BOOKFLOW_SIGNATURE',
    false,
    'Also accept the body-only X-BookFlow-Signature scheme (no replay protection beyond the dedupe TTL).',
  ),
  dedupeTtlMs: durationField(
    'BOOKFLOW_RECEIVER_DEDUPE_TTL',
    formatDuration(DEFAULT_DEDUPE_TTL_MS),
    'How long an event id is remembered as seen.',
  ),
  retryScheduleMs: field({
    env: 'BOOKFLOW_RECEIVER_RETRY_SCHEDULE',
    description: 'Delays between handler attempts; after the last one fails the event is dead-lettered.',
    defaultText: DEFAULT_RETRY_SCHEDULE,
    parse: (raw) => {
      try {
        return parseDurationList(raw ?? DEFAULT_RETRY_SCHEDULE);
      } catch (error) {
        throw new FieldError((error as Error).message);
      }
    },
  }),
  worker: booleanField(
    'BOOKFLOW_RECEIVER_WORKER',
    true,
    'Run the worker in this process (false: receive only; run workers elsewhere on the same store).',
  ),
  // The bounds are this consumer's sanity limits; the kit checks none.
  concurrency: integerField(
    'BOOKFLOW_RECEIVER_CONCURRENCY',
    DEFAULT_WORKER_OPTIONS.concurrency,
    { min: 1, max: 1000 },
    'Handlers run at once by this process.',
  ),
  leaseMs: durationField(
    'BOOKFLOW_RECEIVER_LEASE',
    // In seconds, as this setting has always been shown (formatDuration would say 1m).
    `${DEFAULT_WORKER_OPTIONS.leaseMs / 1000}s`,
    'Lease on a claimed job, renewed while the handler runs; a crashed worker’s jobs return after it.',
  ),
  pollIntervalMs: durationField(
    'BOOKFLOW_RECEIVER_POLL_INTERVAL',
    formatDuration(DEFAULT_WORKER_OPTIONS.pollIntervalMs),
    'Longest idle wait of the worker between looks at the queue.',
  ),
  reapIntervalMs: durationField(
    'BOOKFLOW_RECEIVER_REAP_INTERVAL',
    formatDuration(DEFAULT_WORKER_OPTIONS.reapIntervalMs),
    'How often expired leases are returned to the queue.',
  ),
  sweepIntervalMs: durationField(
    'BOOKFLOW_RECEIVER_SWEEP_INTERVAL',
    formatDuration(DEFAULT_WORKER_OPTIONS.sweepIntervalMs),
    'How often expired dedupe rows are deleted (Postgres).',
  ),
  shutdownTimeoutMs: durationField(
    'BOOKFLOW_RECEIVER_SHUTDOWN_TIMEOUT',
    formatDuration(DEFAULT_WORKER_OPTIONS.shutdownTimeoutMs),
    'How long shutdown waits for running handlers before giving their jobs back.',
  ),
  slackWebhookUrl: urlField(
    'BOOKFLOW_RECEIVER_SLACK_WEBHOOK_URL',
    ['https:', 'http:'],
    'Slack Incoming Webhook for dead-letter and volume alerts.',
  ),
  pagerDutyRoutingKey: optionalTextField(
    'BOOKFLOW_RECEIVER_PAGERDUTY_ROUTING_KEY',
    'PagerDuty Events API v2 routing key for dead-letter and volume alerts.',
  ),
  pagerDutyUrl: field({
    env: 'BOOKFLOW_RECEIVER_PAGERDUTY_URL',
    description: 'PagerDuty Events API v2 endpoint.',
    defaultText: PAGERDUTY_EVENTS_URL,
    parse: (raw) => url(raw, ['https:', 'http:']) ?? PAGERDUTY_EVENTS_URL,
  }),
  ...VOLUME_FIELDS,
  logLevel: choiceField(
    'LOG_LEVEL',
    'info',
    LOG_LEVELS,
    'pino log level: fatal, error, warn, info, debug, trace or silent.',
  ),
};

export type ReceiverConfig = ValuesOf<typeof CONFIG_FIELDS>;

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
  const { secrets } = CONFIG_FIELDS;
  const fields = options.secretsOptional
    ? {
        ...CONFIG_FIELDS,
        secrets: {
          ...secrets,
          parse: (raw: string | undefined, e: Env) => (optionalString(raw) ? secrets.parse(raw, e) : []),
        },
      }
    : CONFIG_FIELDS;
  const { values, problems } = readFields(fields, env);
  if (problems.length > 0) throw new ConfigError(problems);
  return values as ReceiverConfig;
}
