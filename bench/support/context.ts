import type { Args } from './args.ts';
import type { Table } from './table.ts';

export interface BenchContext {
  args: Args;
  /** "PostgreSQL 15.20", or null when DATABASE_URL cannot be reached. */
  postgres: string | null;
  /** "Redis 7.0.15", or null when REDIS_URL cannot be reached. */
  redis: string | null;
  /** Figures one benchmark leaves for a later one (the PostgreSQL delivery rate, for embedded). */
  figures: Map<string, number>;
}

export type Benchmark = (ctx: BenchContext) => Promise<Table[]>;
