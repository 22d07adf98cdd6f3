import type { Db } from '@bookflow/pg';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { PlatformConfig } from '../config/config.ts';
import type { ListenHub } from '../listen/hub.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { Notifier } from '../notifications/index.ts';
import type { SecretBox } from '../secrets/secret-box.ts';

export interface ApiDeps {
  db: Db;
  metrics: Metrics & { registry: Registry };
  logger: Logger;
  secretBox: SecretBox;
  config: PlatformConfig;
  /** The `bookflow listen` sessions this process holds. */
  listen: ListenHub;
  /** Sends the dashboard's "test notice"; the worker's notices go through the same one. */
  notifier: Notifier;
}

/**
 * What a route module is given: the API's dependencies, of which it names the ones it uses besides
 * the database. Every module takes the one `ApiDeps`, so adding a route module is one line.
 */
export type RouteDeps<K extends keyof ApiDeps = never> = Pick<ApiDeps, 'db' | K>;
