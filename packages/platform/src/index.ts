export { createPlatform, type Platform, type PlatformOverrides } from './app.ts';
export { ConfigError, loadConfig, type PlatformConfig, testConfig } from './config/config.ts';
export type { Db, Queryable } from './db/db.ts';
export { openDatabase } from './db/open.ts';
export { migrate } from './db/migrate.ts';
export { openPglite } from './db/pglite.ts';
export { openPostgres } from './db/postgres.ts';
export { ERROR_CATALOGUE, ApiError } from './errors/catalogue.ts';
