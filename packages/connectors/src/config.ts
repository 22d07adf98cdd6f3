import { join } from 'node:path';
import {
  choiceField,
  durationField,
  type Env,
  field,
  integer,
  integerField,
  optionalString,
  optionalTextField,
  readFields,
  requiredWhen,
  textField,
  url,
  urlField,
  type ValuesOf,
} from '@bookflow/env-config';

const WAREHOUSES = ['none', 'duckdb', 'postgres', 'bigquery', 'snowflake'] as const;
export type WarehouseKind = (typeof WAREHOUSES)[number];

/**
 * The connectors' settings, from the environment: each field with its variable, default and
 * description (the README's table lists the same). Nothing is on unless configured.
 */
export const CONNECTOR_FIELDS = {
  warehouse: choiceField(
    'BOOKFLOW_WAREHOUSE',
    'none',
    WAREHOUSES,
    'Where every event lands: none, duckdb (a file in BOOKFLOW_ANALYTICS_DATA_DIR), postgres, bigquery or snowflake.',
  ),
  analyticsDataDir: textField(
    'BOOKFLOW_ANALYTICS_DATA_DIR',
    './.bookflow-analytics',
    'Directory of the DuckDB warehouse (warehouse.duckdb), shared with npm run analytics.',
  ),
  warehouseUrl: urlField(
    'BOOKFLOW_WAREHOUSE_URL',
    ['postgres:', 'postgresql:'],
    'PostgreSQL connection string of the warehouse; required when BOOKFLOW_WAREHOUSE=postgres.',
    { with: 'BOOKFLOW_WAREHOUSE', equals: 'postgres' },
  ),
  batchSize: integerField(
    'BOOKFLOW_WAREHOUSE_BATCH_SIZE',
    500,
    { min: 1, max: 100_000 },
    'Rows per warehouse insert at most.',
  ),
  flushIntervalMs: durationField(
    'BOOKFLOW_WAREHOUSE_FLUSH_INTERVAL',
    '1s',
    'Longest a row waits for its batch to fill.',
  ),
  bigQueryProject: field({
    env: 'BOOKFLOW_BIGQUERY_PROJECT',
    description: 'BigQuery project id (credentials from GOOGLE_APPLICATION_CREDENTIALS).',
    defaultText: '(unset)',
    parse: (raw, env) => requiredWhen(optionalString(raw), env, 'BOOKFLOW_WAREHOUSE', 'bigquery'),
  }),
  bigQueryDataset: textField(
    'BOOKFLOW_BIGQUERY_DATASET',
    'bookflow',
    'BigQuery dataset holding bookflow_raw_events.',
  ),
  bigQueryApiEndpoint: urlField(
    'BOOKFLOW_BIGQUERY_API_ENDPOINT',
    ['https:', 'http:'],
    'BigQuery API endpoint (a local emulator or test fake); unset: Google’s.',
  ),
  snowflakeAccount: field({
    env: 'BOOKFLOW_SNOWFLAKE_ACCOUNT',
    description:
      'Snowflake account identifier (with BOOKFLOW_SNOWFLAKE_USERNAME, _PASSWORD, _DATABASE, _SCHEMA, _WAREHOUSE).',
    defaultText: '(unset)',
    parse: (raw, env) => requiredWhen(optionalString(raw), env, 'BOOKFLOW_WAREHOUSE', 'snowflake'),
  }),
  hubspotAccessToken: optionalTextField(
    'BOOKFLOW_HUBSPOT_ACCESS_TOKEN',
    'HubSpot private app token; set to turn the HubSpot connector on.',
  ),
  hubspotBasePath: field({
    env: 'BOOKFLOW_HUBSPOT_BASE_PATH',
    description: 'HubSpot API base URL (a local fake in tests).',
    defaultText: 'https://api.hubapi.com',
    parse: (raw) => url(raw, ['https:', 'http:']),
  }),
  hubspotRequestsPer10Seconds: integerField(
    'BOOKFLOW_HUBSPOT_REQUESTS_PER_10S',
    100,
    { min: 1, max: 10_000 },
    'Requests the connector allows itself per rolling 10 seconds (your app’s HubSpot limit, less a margin).',
  ),
  salesforceLoginUrl: field({
    env: 'BOOKFLOW_SALESFORCE_LOGIN_URL',
    description: 'Salesforce login URL; set with a client id to turn the Salesforce connector on.',
    defaultText: 'https://login.salesforce.com',
    parse: (raw) => url(raw, ['https:', 'http:']) ?? 'https://login.salesforce.com',
  }),
  salesforceClientId: optionalTextField(
    'BOOKFLOW_SALESFORCE_CLIENT_ID',
    'Connected app consumer key; set to turn the Salesforce connector on.',
  ),
  salesforceClientSecret: optionalTextField(
    'BOOKFLOW_SALESFORCE_CLIENT_SECRET',
    'Connected app consumer secret (username-password flow).',
  ),
  salesforceUsername: field({
    env: 'BOOKFLOW_SALESFORCE_USERNAME',
    description: 'Integration user.',
    defaultText: '(unset)',
    parse: (raw, env) => requiredWhen(optionalString(raw), env, 'BOOKFLOW_SALESFORCE_CLIENT_ID'),
  }),
  salesforcePassword: optionalTextField(
    'BOOKFLOW_SALESFORCE_PASSWORD',
    'Password plus security token (username-password flow); or set BOOKFLOW_SALESFORCE_PRIVATE_KEY_FILE.',
  ),
  salesforcePrivateKeyFile: optionalTextField(
    'BOOKFLOW_SALESFORCE_PRIVATE_KEY_FILE',
    'PEM private key of the connected app’s certificate (JWT bearer flow).',
  ),
  salesforceDefaultOwnerId: optionalTextField(
    'BOOKFLOW_SALESFORCE_DEFAULT_OWNER_ID',
    'User id that owns a Task when the meeting owner’s email matches no User.',
  ),
  salesforceUnqualifiedStatus: textField(
    'BOOKFLOW_SALESFORCE_UNQUALIFIED_STATUS',
    'Unqualified',
    'Lead Status set on lead.disqualified.',
  ),
  salesforceHighValueCompanies: field({
    env: 'BOOKFLOW_SALESFORCE_HIGH_VALUE_COMPANIES',
    description: 'Comma-separated companies whose bookings are posted to Chatter.',
    defaultText: '(none)',
    parse: (raw) =>
      (optionalString(raw) ?? '')
        .split(',')
        .map((c) => c.trim())
        .filter(Boolean),
  }),
  salesforceHighValueMinScore: field({
    env: 'BOOKFLOW_SALESFORCE_HIGH_VALUE_MIN_SCORE',
    description: 'A booking whose lead score is at least this is posted to Chatter.',
    defaultText: '(unset)',
    parse: (raw) => (optionalString(raw) === undefined ? undefined : integer(raw, 0, 0, 1_000_000)),
  }),
};

export type ConnectorsConfig = ValuesOf<typeof CONNECTOR_FIELDS>;

export class ConnectorsConfigError extends Error {
  override readonly name = 'ConnectorsConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid connector configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Reads every field and reports all problems at once. */
export function loadConnectorsConfig(env: Env = process.env): ConnectorsConfig {
  const { values, problems } = readFields(CONNECTOR_FIELDS, env);
  if (problems.length > 0) throw new ConnectorsConfigError(problems);
  return values as ConnectorsConfig;
}

export function duckDbFile(config: Pick<ConnectorsConfig, 'analyticsDataDir'>): string {
  return join(config.analyticsDataDir, 'warehouse.duckdb');
}
