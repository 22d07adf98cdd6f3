import { readFileSync } from 'node:fs';
import type { Db } from '@bookflow/pg';
import { Gauge, type Registry } from 'prom-client';
import type { ConnectorsConfig } from './config.ts';
import { duckDbFile } from './config.ts';
import type { Connector } from './connector.ts';
import { hubspotClient } from './crm/hubspot/hubspot-api.ts';
import { HubSpotConnector } from './crm/hubspot/hubspot-connector.ts';
import { CrmObjects } from './crm/mappings/crm-objects.ts';
import { SalesforceConnector } from './crm/salesforce/salesforce-connector.ts';
import { type SalesforceAuth, SalesforceSession } from './crm/salesforce/salesforce-session.ts';
import { DuckDbWarehouse } from './warehouse/duckdb/duckdb-warehouse.ts';
import { PostgresWarehouse } from './warehouse/postgres/postgres-warehouse.ts';
import type { RawEventSink } from './warehouse/warehouse.ts';
import { WarehouseConnector } from './warehouse/warehouse-connector.ts';

export interface ConnectorDeps {
  /** The receiver's database (PostgreSQL or PGlite): the CRM connectors keep their mapping table there. */
  db: () => Promise<Db>;
  /** The worker's concurrency: the warehouse batch flushes when that many rows wait. */
  concurrency: number;
  /** Where the connectors' metrics go (the receiver's registry, so /metrics shows them). */
  registry?: Registry;
  env?: Record<string, string | undefined>;
}

export interface OpenedConnectors {
  connectors: Connector[];
  /** One line per connector for the start-up log, without secrets. */
  descriptions: string[];
}

async function openSink(
  config: ConnectorsConfig,
  env: Record<string, string | undefined>,
): Promise<RawEventSink | null> {
  switch (config.warehouse) {
    case 'none':
      return null;
    case 'duckdb':
      return DuckDbWarehouse.open({ path: duckDbFile(config) });
    case 'postgres':
      return PostgresWarehouse.open(config.warehouseUrl!);
    case 'bigquery': {
      const { BigQuerySink } = await import('./warehouse/bigquery/bigquery-sink.ts');
      return BigQuerySink.open({
        projectId: config.bigQueryProject!,
        dataset: config.bigQueryDataset,
        apiEndpoint: config.bigQueryApiEndpoint,
      });
    }
    case 'snowflake': {
      const { SnowflakeSink } = await import('./warehouse/snowflake/snowflake-sink.ts');
      return SnowflakeSink.open({
        account: config.snowflakeAccount!,
        username: env.BOOKFLOW_SNOWFLAKE_USERNAME ?? '',
        password: env.BOOKFLOW_SNOWFLAKE_PASSWORD,
        database: env.BOOKFLOW_SNOWFLAKE_DATABASE ?? 'BOOKFLOW',
        schema: env.BOOKFLOW_SNOWFLAKE_SCHEMA ?? 'PUBLIC',
        warehouse: env.BOOKFLOW_SNOWFLAKE_WAREHOUSE,
      });
    }
  }
}

/** The configured connectors, warehouse first (cheap, and every event goes there), then the CRMs. */
export async function openConnectors(
  config: ConnectorsConfig,
  deps: ConnectorDeps,
): Promise<OpenedConnectors> {
  const connectors: Connector[] = [];
  const descriptions: string[] = [];
  const sink = await openSink(config, deps.env ?? process.env);
  if (sink) {
    connectors.push(
      new WarehouseConnector(sink, {
        maxBatch: config.batchSize,
        maxWaitMs: config.flushIntervalMs,
        flushAtWaiting: deps.concurrency,
      }),
    );
    descriptions.push(
      config.warehouse === 'duckdb'
        ? `warehouse duckdb ${duckDbFile(config)}`
        : `warehouse ${config.warehouse}`,
    );
  }
  if (config.hubspotAccessToken) {
    connectors.push(
      new HubSpotConnector({
        client: hubspotClient({
          accessToken: config.hubspotAccessToken,
          basePath: config.hubspotBasePath,
          requestsPer10Seconds: config.hubspotRequestsPer10Seconds,
        }),
        objects: await CrmObjects.open(await deps.db(), 'hubspot'),
      }),
    );
    descriptions.push(`hubspot ${config.hubspotBasePath ?? 'https://api.hubapi.com'}`);
  }
  if (config.salesforceClientId) {
    connectors.push(
      new SalesforceConnector({
        session: new SalesforceSession({
          auth: salesforceAuth(config),
          apiUsage: salesforceGauges(deps.registry),
        }),
        objects: await CrmObjects.open(await deps.db(), 'salesforce'),
        defaultOwnerId: config.salesforceDefaultOwnerId,
        unqualifiedStatus: config.salesforceUnqualifiedStatus,
        highValue: {
          companies: config.salesforceHighValueCompanies,
          minLeadScore: config.salesforceHighValueMinScore,
        },
      }),
    );
    descriptions.push(`salesforce ${config.salesforceLoginUrl}`);
  }
  return { connectors, descriptions };
}

function salesforceAuth(config: ConnectorsConfig): SalesforceAuth {
  const common = {
    loginUrl: config.salesforceLoginUrl,
    clientId: config.salesforceClientId!,
    username: config.salesforceUsername!,
  };
  if (config.salesforcePrivateKeyFile) {
    return { flow: 'jwt', ...common, privateKey: readFileSync(config.salesforcePrivateKeyFile, 'utf8') };
  }
  return {
    flow: 'password',
    ...common,
    clientSecret: config.salesforceClientSecret ?? '',
    password: config.salesforcePassword ?? '',
  };
}

/** Salesforce's daily API usage as Sforce-Limit-Info reports it on every answer. */
function salesforceGauges(registry: Registry | undefined) {
  const registers = registry ? [registry] : [];
  return {
    used: new Gauge({
      name: 'bookflow_connectors_salesforce_api_requests_used',
      help: 'API requests used in the last 24 h, from the latest Sforce-Limit-Info header',
      registers,
    }),
    limit: new Gauge({
      name: 'bookflow_connectors_salesforce_api_requests_limit',
      help: 'Daily API request limit of the org, from the latest Sforce-Limit-Info header',
      registers,
    }),
  };
}
