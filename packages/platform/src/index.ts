export { createPlatform, type Platform, type PlatformOverrides } from './app.ts';
export { ConfigError, loadConfig, type PlatformConfig, testConfig } from './config/config.ts';
export type { Db, Queryable } from './db/db.ts';
export { migrate } from './db/migrate.ts';
export { openDatabase } from './db/open.ts';
export { openPglite } from './db/pglite.ts';
export { openPostgres } from './db/postgres.ts';
export { ApiError, ERROR_CATALOGUE } from './errors/catalogue.ts';
