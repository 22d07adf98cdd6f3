// GTM connectors on the BookFlow receiver kit: HubSpot, Salesforce and the warehouse, plus the
// funnel analytics (npm run analytics). See packages/connectors/README.md.

export { buildProject } from './analytics/dbt/build.ts';
export { loadProject } from './analytics/dbt/project.ts';
export { type FunnelQuery, type FunnelRow, queryFunnel } from './analytics/funnel/funnel.ts';
export { runFunnel } from './analytics/run-funnel.ts';
export {
  CONNECTOR_FIELDS,
  type ConnectorsConfig,
  ConnectorsConfigError,
  loadConnectorsConfig,
} from './config.ts';
export { type AnyEvent, type Connector, connectorsHandler, scopedContext } from './connector.ts';
export { hubspotClient } from './crm/hubspot/hubspot-api.ts';
export { HubSpotConnector } from './crm/hubspot/hubspot-connector.ts';
export { CrmObjects, connectorMigrations } from './crm/mappings/crm-objects.ts';
export { type HighValueRule, SalesforceConnector } from './crm/salesforce/salesforce-connector.ts';
export { type SalesforceAuth, SalesforceSession } from './crm/salesforce/salesforce-session.ts';
export { type ConnectorDeps, type OpenedConnectors, openConnectors } from './open-connectors.ts';
export { RawEventBatcher } from './warehouse/batcher.ts';
export { DuckDbWarehouse } from './warehouse/duckdb/duckdb-warehouse.ts';
export { PostgresWarehouse } from './warehouse/postgres/postgres-warehouse.ts';
export type { RawEvent } from './warehouse/raw-event.ts';
export type { RawEventSink, SqlWarehouse } from './warehouse/warehouse.ts';
export { WarehouseConnector } from './warehouse/warehouse-connector.ts';
