import {
  type Db,
  loadMigrations as load,
  type Migration,
  type MigrationSet,
  migrate as run,
} from '@bookflow/pg';

/**
 * The receiver's own migrations, history table and lock key, so its tables can live in the
 * application's database beside the application's own migrations.
 */
export const RECEIVER_MIGRATIONS: MigrationSet = {
  dir: new URL('./migrations/', import.meta.url),
  table: 'bookflow_receiver_migrations',
  lockKey: 0x626b_6672_6376, // "bkfrcv"
};

export function loadMigrations(): Migration[] {
  return load(RECEIVER_MIGRATIONS.dir);
}

/**
 * Applies pending forward-only migrations under an advisory lock, so several receiver processes
 * starting at once apply each migration exactly once. Returns the versions applied by this call.
 */
export function migrate(db: Db): Promise<number[]> {
  return run(db, RECEIVER_MIGRATIONS);
}
