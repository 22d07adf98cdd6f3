import type { SqlWarehouse } from '../warehouse/warehouse.ts';
import { buildProject } from './dbt/build.ts';
import { loadProject } from './dbt/project.ts';
import type { SchemaTestResult } from './dbt/schema-tests.ts';
import { type FunnelQuery, type FunnelRow, queryFunnel } from './funnel/funnel.ts';
import { DEFAULT_PROJECT_DIR } from './open-warehouse.ts';

export interface FunnelRun {
  rows: FunnelRow[];
  /** Schema tests that found offending rows. */
  failedTests: SchemaTestResult[];
}

export interface FunnelRunOptions extends FunnelQuery {
  /** A campaigns CSV to use instead of the project's seeds/campaigns.csv. */
  campaigns?: string;
  projectDir?: string;
}

/** Builds the dbt project on the warehouse (seeds, models, tests), then queries the funnel. */
export async function runFunnel(warehouse: SqlWarehouse, options: FunnelRunOptions): Promise<FunnelRun> {
  const project = loadProject(options.projectDir ?? DEFAULT_PROJECT_DIR);
  const build = await buildProject(warehouse, project, {
    seedFiles: options.campaigns ? { campaigns: options.campaigns } : undefined,
  });
  const rows = await queryFunnel(warehouse, options);
  return { rows, failedTests: build.tests.filter((t) => t.failures > 0) };
}
