import type { RawEvent } from './raw-event.ts';

/** Where the raw events land. Every warehouse implements it; inserting an event id twice keeps the first. */
export interface RawEventSink {
  readonly kind: string;
  /** Creates the raw table when missing. */
  prepare(): Promise<void>;
  /** Appends the rows whose event id is new; returns how many were new when the engine says so. */
  insertRaw(rows: readonly RawEvent[]): Promise<number>;
  close(): Promise<void>;
}

export type Dialect = 'duckdb' | 'postgres';

/** Statements on a SQL warehouse, alone or inside one transaction. */
export interface WarehouseSession {
  insertRaw(rows: readonly RawEvent[]): Promise<number>;
  /** `$1, $2, ...` placeholders on both engines. */
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<R[]>;
  /** A script without parameters (a model's DDL). */
  exec(sql: string): Promise<void>;
}

/** A warehouse the analytics can also run SQL on (the models, the schema tests, the funnel). */
export interface SqlWarehouse extends RawEventSink, WarehouseSession {
  readonly dialect: Dialect;
  /** Runs `fn` in one transaction: all it did commits together, or nothing does. */
  transaction<T>(fn: (tx: WarehouseSession) => Promise<T>): Promise<T>;
}

export const RAW_TABLE = 'bookflow_raw_events';
