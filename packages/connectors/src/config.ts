import { join } from 'node:path';
import { parseDuration } from '@bookflow/events';

type Env = Record<string, string | undefined>;

class FieldError extends Error {}

interface Field<T> {
  env: string;
  description: string;
  defaultText: string;
  parse(raw: string | undefined, env: Env): T;
}

const field = <T>(spec: Field<T>): Field<T> => spec;
const optional = (raw: string | undefined) => (raw?.trim() ? raw.trim() : undefined);

function integer(raw: string | undefined, fallback: number, min: number, max: number): number {
  const value = optional(raw);
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new FieldError(`must be an integer from ${min} to ${max}`);
  return n;
}

function url(raw: string | undefined, protocols: string[]): string | undefined {
  const value = optional(raw);
  if (value === undefined) return undefined;
  try {
    if (protocols.includes(new URL(value).protocol)) return value;
  } catch {}
  throw new FieldError(`must be a ${protocols.join(' or ')} URL`);
}

const WAREHOUSES = ['none', 'duckdb', 'postgres', 'bigquery', 'snowflake'] as const;
export type WarehouseKind = (typeof WAREHOUSES)[number];

/**
 * The connectors' settings, from the environment: each field with its variable, default and
 * description (the README's table lists the same). Nothing is on unless configured.
 */
export const CONNECTOR_FIELDS = {
  warehouse: field({
    env: 'BOOKFLOW_WAREHOUSE',
    description:
      'Where every event lands: none, duckdb (a file in BOOKFLOW_ANALYTICS_DATA_DIR), postgres, bigquery or snowflake.',
    defaultText: 'none',
    parse: (raw): WarehouseKind => {
      const value = optional(raw) ?? 'none';
      if (!(WAREHOUSES as readonly string[]).includes(value))
        throw new FieldError(`must be one of ${WAREHOUSES.join(', ')}`);
      return value as WarehouseKind;
    },
  }),
  analyticsDataDir: field({
    env: 'BOOKFLOW_ANALYTICS_DATA_DIR',
    description: 'Directory of the DuckDB warehouse (warehouse.duckdb), shared with npm run analytics.',
    defaultText: './.bookflow-analytics',
    parse: (raw) => optional(raw) ?? './.bookflow-analytics',
  }),
  warehouseUrl: field({
    env: 'BOOKFLOW_WAREHOUSE_URL',
    description: 'PostgreSQL connection string of the warehouse; required when BOOKFLOW_WAREHOUSE=postgres.',
    defaultText: '(unset)',
    parse: (raw, env) => {
      const value = url(raw, ['postgres:', 'postgresql:']);
      if (!value && optional(env.BOOKFLOW_WAREHOUSE) === 'postgres')
        throw new FieldError('is required when BOOKFLOW_WAREHOUSE=postgres');
      return value;
    },
  }),
  batchSize: field({
    env: 'BOOKFLOW_WAREHOUSE_BATCH_SIZE',
    description: 'Rows per warehouse insert at most.',
    defaultText: '500',
    parse: (raw) => integer(raw, 500, 1, 100_000),
  }),
  flushIntervalMs: field({
    env: 'BOOKFLOW_WAREHOUSE_FLUSH_INTERVAL',
    description: 'Longest a row waits for its batch to fill.',
    defaultText: '1s',
    parse: (raw) => {
      try {
        return parseDuration(optional(raw) ?? '1s');
      } catch (error) {
        throw new FieldError((error as Error).message);
      }
    },
  }),
  bigQueryProject: field({
    env: 'BOOKFLOW_BIGQUERY_PROJECT',
    description: 'BigQuery project id (credentials from GOOGLE_APPLICATION_CREDENTIALS).',
    defaultText: '(unset)',
    parse: (raw, env) => {
      const value = optional(raw);
      if (!value && optional(env.BOOKFLOW_WAREHOUSE) === 'bigquery')
        throw new FieldError('is required when BOOKFLOW_WAREHOUSE=bigquery');
      return value;
    },
  }),
  bigQueryDataset: field({
    env: 'BOOKFLOW_BIGQUERY_DATASET',
    description: 'BigQuery dataset holding bookflow_raw_events.',
    defaultText: 'bookflow',
    parse: (raw) => optional(raw) ?? 'bookflow',
  }),
  bigQueryApiEndpoint: field({
    env: 'BOOKFLOW_BIGQUERY_API_ENDPOINT',
    description: 'BigQuery API endpoint (a local emulator or test fake); unset: Google’s.',
    defaultText: '(unset)',
    parse: (raw) => url(raw, ['https:', 'http:']),
  }),
  snowflakeAccount: field({
    env: 'BOOKFLOW_SNOWFLAKE_ACCOUNT',
    description:
      'Snowflake account identifier (with BOOKFLOW_SNOWFLAKE_USERNAME, _PASSWORD, _DATABASE, _SCHEMA, _WAREHOUSE).',
    defaultText: '(unset)',
    parse: (raw, env) => {
      const value = optional(raw);
      if (!value && optional(env.BOOKFLOW_WAREHOUSE) === 'snowflake')
        throw new FieldError('is required when BOOKFLOW_WAREHOUSE=snowflake');
      return value;
    },
  }),
  hubspotAccessToken: field({
    env: 'BOOKFLOW_HUBSPOT_ACCESS_TOKEN',
    description: 'HubSpot private app token; set to turn the HubSpot connector on.',
    defaultText: '(unset)',
    parse: (raw) => optional(raw),
  }),
  hubspotBasePath: field({
    env: 'BOOKFLOW_HUBSPOT_BASE_PATH',
    description: 'HubSpot API base URL (a local fake in tests).',
    defaultText: 'https://api.hubapi.com',
    parse: (raw) => url(raw, ['https:', 'http:']),
  }),
  hubspotRequestsPer10Seconds: field({
    env: 'BOOKFLOW_HUBSPOT_REQUESTS_PER_10S',
    description:
      'Requests the connector allows itself per rolling 10 seconds (your app’s HubSpot limit, less a margin).',
    defaultText: '100',
    parse: (raw) => integer(raw, 100, 1, 10_000),
  }),
  salesforceLoginUrl: field({
    env: 'BOOKFLOW_SALESFORCE_LOGIN_URL',
    description: 'Salesforce login URL; set with a client id to turn the Salesforce connector on.',
    defaultText: 'https://login.salesforce.com',
    parse: (raw) => url(raw, ['https:', 'http:']) ?? 'https://login.salesforce.com',
  }),
  salesforceClientId: field({
    env: 'BOOKFLOW_SALESFORCE_CLIENT_ID',
    description: 'Connected app consumer key; set to turn the Salesforce connector on.',
    defaultText: '(unset)',
    parse: (raw) => optional(raw),
  }),
  salesforceClientSecret: field({
    env: 'BOOKFLOW_SALESFORCE_CLIENT_SECRET',
    description: 'Connected app consumer secret (username-password flow).',
    defaultText: '(unset)',
    parse: (raw) => optional(raw),
  }),
  salesforceUsername: field({
    env: 'BOOKFLOW_SALESFORCE_USERNAME',
    description: 'Integration user.',
    defaultText: '(unset)',
    parse: (raw, env) => {
      const value = optional(raw);
      if (!value && optional(env.BOOKFLOW_SALESFORCE_CLIENT_ID))
        throw new FieldError('is required with BOOKFLOW_SALESFORCE_CLIENT_ID');
      return value;
    },
  }),
  salesforcePassword: field({
    env: 'BOOKFLOW_SALESFORCE_PASSWORD',
    description:
      'Password plus security token (username-password flow); or set BOOKFLOW_SALESFORCE_PRIVATE_KEY_FILE.',
    defaultText: '(unset)',
    parse: (raw) => optional(raw),
  }),
  salesforcePrivateKeyFile: field({
    env: 'BOOKFLOW_SALESFORCE_PRIVATE_KEY_FILE',
    description: 'PEM private key of the connected app’s certificate (JWT bearer flow).',
    defaultText: '(unset)',
    parse: (raw) => optional(raw),
  }),
  salesforceDefaultOwnerId: field({
    env: 'BOOKFLOW_SALESFORCE_DEFAULT_OWNER_ID',
    description: 'User id that owns a Task when the meeting owner’s email matches no User.',
    defaultText: '(unset)',
    parse: (raw) => optional(raw),
  }),
  salesforceUnqualifiedStatus: field({
    env: 'BOOKFLOW_SALESFORCE_UNQUALIFIED_STATUS',
    description: 'Lead Status set on lead.disqualified.',
    defaultText: 'Unqualified',
    parse: (raw) => optional(raw) ?? 'Unqualified',
  }),
  salesforceHighValueCompanies: field({
    env: 'BOOKFLOW_SALESFORCE_HIGH_VALUE_COMPANIES',
    description: 'Comma-separated companies whose bookings are posted to Chatter.',
    defaultText: '(none)',
    parse: (raw) =>
      (optional(raw) ?? '')
        .split(',')
        .map((c) => c.trim())
        .filter(Boolean),
  }),
  salesforceHighValueMinScore: field({
    env: 'BOOKFLOW_SALESFORCE_HIGH_VALUE_MIN_SCORE',
    description: 'A booking whose lead score is at least this is posted to Chatter.',
    defaultText: '(unset)',
    parse: (raw) => (optional(raw) === undefined ? undefined : integer(raw, 0, 0, 1_000_000)),
  }),
};

export type ConnectorsConfig = {
  [K in keyof typeof CONNECTOR_FIELDS]: ReturnType<(typeof CONNECTOR_FIELDS)[K]['parse']>;
};

export class ConnectorsConfigError extends Error {
  override readonly name = 'ConnectorsConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid connector configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Reads every field and reports all problems at once. */
export function loadConnectorsConfig(env: Env = process.env): ConnectorsConfig {
  const config: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, spec] of Object.entries(CONNECTOR_FIELDS) as [string, Field<unknown>][]) {
    try {
      config[key] = spec.parse(env[spec.env], env);
    } catch (error) {
      if (!(error instanceof FieldError)) throw error;
      problems.push(`${spec.env} ${error.message}`);
    }
  }
  if (problems.length > 0) throw new ConnectorsConfigError(problems);
  return config as ConnectorsConfig;
}

export function duckDbFile(config: Pick<ConnectorsConfig, 'analyticsDataDir'>): string {
  return join(config.analyticsDataDir, 'warehouse.duckdb');
}
