import { fileURLToPath } from 'node:url';
import { embeddedMasterKey } from './embedded-files.ts';
import {
  bool,
  ConfigError,
  DEFAULT_PAGERDUTY_EVENTS_URL,
  duration,
  type Env,
  int,
  masterKey,
  otlpEndpoint,
  type Role,
  roles,
  schedule,
} from './env-values.ts';

export { ConfigError, type Role };

/** Every setting of the platform, typed, with its default. Read once at start by loadConfig(). */
export interface PlatformConfig {
  /** HTTP port of the API role. */
  port: number;
  /** Interface the API listens on. */
  host: string;
  /** What this process runs. */
  roles: Role[];
  /** PostgreSQL connection string; when null the embedded PGlite database under dataDir is used. */
  databaseUrl: string | null;
  /** Where embedded mode keeps its database and generated admin token. */
  dataDir: string;
  /** 32-byte key sealing endpoint secrets at rest (AES-256-GCM); generated into dataDir in embedded mode. */
  masterKey: Buffer;
  /** Event payloads and attempt bodies older than this are purged (metadata is kept). */
  retentionMs: number;
  /** How often the retention job runs. */
  retentionIntervalMs: number;
  /** Default overlap during which a rotated-out secret keeps signing beside the new one. */
  rotationOverlapMs: number;
  /** Management API requests per minute per API key (0 = unlimited). */
  apiRateLimitPerMinute: number;
  /** Bearer token for account administration; generated in embedded mode when unset. */
  adminToken: string | null;
  /** Delays between attempts, in ms: 30s,2m,10m,1h,6h,24h by default. */
  retryScheduleMs: number[];
  connectTimeoutMs: number;
  /** Total time allowed for one attempt, connect to last response byte. */
  totalTimeoutMs: number;
  /** Response bytes kept per attempt; the rest is read and discarded. */
  maxResponseBytes: number;
  /** Largest accepted request body on the API. */
  maxPayloadBytes: number;
  /** Deliveries claimed per query. */
  workerBatchSize: number;
  /** Attempts in flight at once per worker process. */
  workerConcurrency: number;
  /**
   * Worker slots that one account alone may not take, kept for other accounts' first deliveries;
   * busy accounts share the rest equally (see "How the platform shares its capacity").
   */
  workerReservedSlots: number;
  /**
   * Pooled sockets per receiver origin, and the most requests one endpoint has open from one
   * worker: a slow origin holds at most this many sockets and slots.
   */
  connectionsPerOrigin: number;
  /** How long a claimed delivery stays leased before the reaper returns it. */
  leaseMs: number;
  /** Fallback polling when no NOTIFY arrives. */
  pollIntervalMs: number;
  reaperIntervalMs: number;
  /** How often the worker role looks for trials whose trial.ending is due (it is due 3 days before the end). */
  trialCheckIntervalMs: number;
  /** PagerDuty Events API v2 enqueue URL (tests point it at a local server). */
  pagerdutyEventsUrl: string;
  /** Lifts the SSRF guard (loopback, private, link-local, metadata addresses): development and tests only. */
  allowPrivateDestinations: boolean;
  /** Refuses http: endpoint URLs. */
  requireHttps: boolean;
  /**
   * Exports the per-endpoint health gauges, labelled with endpoint and account ids. Off by
   * default: `/metrics` carries no tenant identifiers unless the operator asks for them.
   */
  metricsPerEndpoint: boolean;
  /** An endpoint whose every attempt has failed for this long is disabled automatically (default 5 days). */
  endpointDisableAfterMs: number;
  /** Default requests per second and concurrent requests per endpoint, when the endpoint sets none (0 = unlimited). */
  endpointDefaultRateLimit: number;
  endpointDefaultMaxConcurrency: number;
  /** Endpoints (not deleted) one account may have; creating one more answers 409 endpoint_limit_reached. */
  maxEndpointsPerAccount: number;
  /** Bulk replays (POST /v1/deliveries/replay) one account may start per minute; beyond, 429 + Retry-After. */
  bulkReplaysPerMinute: number;
  /** Deliveries one bulk replay queues at most; the answer says whether more match (call again). */
  bulkReplayMaxRows: number;
  /**
   * Publishes (POST /v1/events) one API process holds at once, from arrival to answer; one more
   * is answered 429 overloaded with Retry-After at once, so a platform that cannot commit as fast
   * as events arrive says so instead of queueing without bound (0 = unlimited). Lower by default
   * on the embedded database: its statements run on the API's own thread, so every publish held
   * is work between two turns of the event loop, and fewer held keeps the loop turning.
   */
  maxPendingPublishes: number;
  /** How long a `bookflow listen` endpoint (kind 'cli') outlives the CLI's last connection. */
  listenEndpointTtlMs: number;
  /** How long a dashboard session lasts after sign-in. */
  dashboardSessionTtlMs: number;
  /** How long a one-time sign-in link (POST /v1/dashboard-links) stays valid. */
  dashboardLinkTtlMs: number;
  /** How often the live stream (GET /v1/stream) looks for new deliveries and attempt results. */
  streamPollMs: number;
  /** The dashboard's built files (packages/dashboard/dist), served at /. */
  dashboardDir: string;
  /** Base URL printed in messages and notifications. */
  publicUrl: string;
  logLevel: string;
  /**
   * OTLP/HTTP base URL traces are exported to (OTEL_EXPORTER_OTLP_ENDPOINT, e.g. a Collector or a
   * Datadog Agent at http://127.0.0.1:4318); null turns tracing off, at no cost (see tracing/).
   */
  otlpEndpoint: string | null;
  /** service.name on every span (OTEL_SERVICE_NAME). */
  otelServiceName: string;
}

/**
 * The settings as the environment gives them. The master key may still be missing: embedded mode
 * generates it at start (resolveMasterKey), so everything after start gets a key.
 */
export type EnvConfig = Omit<PlatformConfig, 'masterKey'> & { masterKey: Buffer | null };

/** BOOKFLOW_MAX_PENDING_PUBLISHES when unset: lower on the embedded database (see the field). */
function defaultMaxPendingPublishes(databaseUrl: string | null): number {
  return databaseUrl ? 500 : 64;
}

/** Reads the environment once, applies defaults and fails fast with a message that says what to fix. */
export function loadConfig(env: Env = process.env): EnvConfig {
  const port = int(env, 'PORT', 8080);
  if (port > 65535) throw new ConfigError(`PORT must be at most 65535, got ${port}`);
  const totalTimeoutMs = duration(env, 'BOOKFLOW_TIMEOUT', 10_000);
  const leaseMs = duration(env, 'BOOKFLOW_LEASE', 60_000);
  if (leaseMs <= totalTimeoutMs) {
    throw new ConfigError(
      'BOOKFLOW_LEASE must be longer than BOOKFLOW_TIMEOUT, or a slow attempt would be delivered twice',
    );
  }
  const host = env.HOST ?? '127.0.0.1';
  const workerConcurrency = int(env, 'BOOKFLOW_WORKER_CONCURRENCY', 200, 1);
  const workerReservedSlots = int(env, 'BOOKFLOW_WORKER_RESERVED_SLOTS', Math.ceil(workerConcurrency / 10));
  if (workerReservedSlots >= workerConcurrency) {
    throw new ConfigError(
      `BOOKFLOW_WORKER_RESERVED_SLOTS must be less than BOOKFLOW_WORKER_CONCURRENCY (${workerConcurrency}), got ${workerReservedSlots}`,
    );
  }
  return {
    port,
    host,
    roles: roles(env.BOOKFLOW_ROLES),
    databaseUrl: env.DATABASE_URL?.trim() || null,
    dataDir: env.BOOKFLOW_DATA_DIR?.trim() || './.bookflow',
    adminToken: env.BOOKFLOW_ADMIN_TOKEN?.trim() || null,
    masterKey: masterKey(env.BOOKFLOW_MASTER_KEY),
    retentionMs: duration(env, 'BOOKFLOW_RETENTION', 30 * 86_400_000),
    retentionIntervalMs: duration(env, 'BOOKFLOW_RETENTION_INTERVAL', 3_600_000),
    rotationOverlapMs: duration(env, 'BOOKFLOW_ROTATION_OVERLAP', 86_400_000),
    apiRateLimitPerMinute: int(env, 'BOOKFLOW_API_RATE_LIMIT', 6_000),
    retryScheduleMs: schedule(env.BOOKFLOW_RETRY_SCHEDULE),
    connectTimeoutMs: duration(env, 'BOOKFLOW_CONNECT_TIMEOUT', 5_000),
    totalTimeoutMs,
    maxResponseBytes: int(env, 'BOOKFLOW_MAX_RESPONSE_BYTES', 16_384),
    maxPayloadBytes: int(env, 'BOOKFLOW_MAX_PAYLOAD_BYTES', 262_144, 1024),
    workerBatchSize: int(env, 'BOOKFLOW_WORKER_BATCH_SIZE', 100, 1),
    workerConcurrency,
    workerReservedSlots,
    connectionsPerOrigin: int(env, 'BOOKFLOW_CONNECTIONS_PER_ORIGIN', 50, 1),
    leaseMs,
    pollIntervalMs: duration(env, 'BOOKFLOW_POLL_INTERVAL', 1_000),
    reaperIntervalMs: duration(env, 'BOOKFLOW_REAPER_INTERVAL', 15_000),
    trialCheckIntervalMs: duration(env, 'BOOKFLOW_TRIAL_CHECK_INTERVAL', 1_000),
    pagerdutyEventsUrl: env.BOOKFLOW_PAGERDUTY_EVENTS_URL?.trim() || DEFAULT_PAGERDUTY_EVENTS_URL,
    // Embedded mode is the try-it-on-your-laptop mode, where the receiver is on localhost; with a
    // real database (production) the guard is on unless lifted explicitly.
    allowPrivateDestinations: bool(env, 'BOOKFLOW_ALLOW_PRIVATE_DESTINATIONS', !env.DATABASE_URL?.trim()),
    requireHttps: bool(env, 'BOOKFLOW_REQUIRE_HTTPS', false),
    metricsPerEndpoint: bool(env, 'BOOKFLOW_METRICS_PER_ENDPOINT', false),
    endpointDisableAfterMs: duration(env, 'BOOKFLOW_ENDPOINT_DISABLE_AFTER', 5 * 86_400_000),
    endpointDefaultRateLimit: int(env, 'BOOKFLOW_ENDPOINT_RATE_LIMIT', 0),
    endpointDefaultMaxConcurrency: int(env, 'BOOKFLOW_ENDPOINT_MAX_CONCURRENCY', 0),
    maxEndpointsPerAccount: int(env, 'BOOKFLOW_MAX_ENDPOINTS_PER_ACCOUNT', 100, 1),
    bulkReplaysPerMinute: int(env, 'BOOKFLOW_BULK_REPLAYS_PER_MINUTE', 10, 1),
    bulkReplayMaxRows: int(env, 'BOOKFLOW_BULK_REPLAY_MAX_ROWS', 10_000, 1),
    maxPendingPublishes: int(
      env,
      'BOOKFLOW_MAX_PENDING_PUBLISHES',
      defaultMaxPendingPublishes(env.DATABASE_URL?.trim() || null),
    ),
    listenEndpointTtlMs: duration(env, 'BOOKFLOW_LISTEN_ENDPOINT_TTL', 5 * 60_000),
    dashboardSessionTtlMs: duration(env, 'BOOKFLOW_DASHBOARD_SESSION_TTL', 12 * 3_600_000),
    dashboardLinkTtlMs: duration(env, 'BOOKFLOW_DASHBOARD_LINK_TTL', 10 * 60_000),
    streamPollMs: duration(env, 'BOOKFLOW_STREAM_POLL_INTERVAL', 500),
    dashboardDir:
      env.BOOKFLOW_DASHBOARD_DIR?.trim() ||
      fileURLToPath(new URL('../../../dashboard/dist/', import.meta.url)),
    publicUrl: env.BOOKFLOW_PUBLIC_URL?.trim() || `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    logLevel: env.LOG_LEVEL?.trim() || 'info',
    otlpEndpoint: otlpEndpoint(env.OTEL_EXPORTER_OTLP_ENDPOINT),
    otelServiceName: env.OTEL_SERVICE_NAME?.trim() || 'bookflow-platform',
  };
}

/**
 * Settles the master key once, at start: BOOKFLOW_MASTER_KEY when given; in embedded mode the key
 * generated once into the data dir; with DATABASE_URL and no key, start fails saying what to do.
 */
export function resolveMasterKey(config: EnvConfig): PlatformConfig {
  if (config.masterKey) return { ...config, masterKey: config.masterKey };
  if (config.databaseUrl) {
    throw new ConfigError(
      'BOOKFLOW_MASTER_KEY is required with DATABASE_URL: it seals endpoint secrets at rest (generate one with: openssl rand -hex 32)',
    );
  }
  const embedded = embeddedMasterKey(config.dataDir);
  const key = masterKey(embedded.value);
  if (!key) throw new ConfigError(`${embedded.path} holds no master key; set BOOKFLOW_MASTER_KEY`);
  return { ...config, masterKey: key };
}

/** Defaults for tests and embedding, with overrides; the master key is always given. */
export function testConfig(
  overrides: Partial<PlatformConfig> & Pick<PlatformConfig, 'masterKey'>,
): PlatformConfig {
  const config = { ...loadConfig({}), ...overrides };
  // A smaller worker keeps the default share of reserved slots unless one is given.
  if (overrides.workerConcurrency !== undefined && overrides.workerReservedSlots === undefined)
    config.workerReservedSlots = Math.ceil(config.workerConcurrency / 10);
  // Likewise the pending-publish bound follows the database given.
  if (overrides.databaseUrl !== undefined && overrides.maxPendingPublishes === undefined)
    config.maxPendingPublishes = defaultMaxPendingPublishes(config.databaseUrl);
  return config;
}
