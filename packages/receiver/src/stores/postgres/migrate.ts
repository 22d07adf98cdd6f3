import { defineMigrations } from '@bookflow/pg';

/**
 * The receiver's numbered, forward-only migrations (`migrations/0001_receiver_tables.sql`, ...),
 * with their own history table and lock key, so its tables can live in the application's database
 * beside the application's own migrations. Several processes starting at once apply each once.
 */
export const { migrate, loadMigrations } = defineMigrations({
  dir: new URL('./migrations/', import.meta.url),
  table: 'bookflow_receiver_migrations',
  lockKey: 0x626b_6672_6376, // "bkfrcv"
});
