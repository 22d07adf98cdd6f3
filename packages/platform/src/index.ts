export { type Db, openPglite, openPostgres, type Queryable } from '@bookflow/pg';
export { createPlatform, type Platform, type PlatformOverrides } from './app.ts';
export {
  ConfigError,
  type EnvConfig,
  loadConfig,
  type PlatformConfig,
  resolveMasterKey,
  testConfig,
} from './config/config.ts';
export { migrate } from './db/migrate.ts';
export { openDatabase } from './db/open.ts';
export { ApiError, ERROR_CATALOGUE } from './errors/catalogue.ts';
export { startTracing, type Tracing, type TracingOptions } from './tracing/sdk.ts';
