import { quoteIdentifier } from '@bookflow/pg';
import type { SqlWarehouse, WarehouseSession } from '../../warehouse/warehouse.ts';
import type { DbtProject } from './project.ts';
import { dependencyOrder, renderModel } from './render.ts';
import { runSchemaTests, type SchemaTestResult } from './schema-tests.ts';
import { loadSeed } from './seeds.ts';

export interface BuildOptions {
  /** A CSV to load instead of a seed's own file, by seed name (`--campaigns file.csv`). */
  seedFiles?: Record<string, string>;
}

export interface BuildResult {
  /** Seeds then models, in the order they were built. */
  built: string[];
  tests: SchemaTestResult[];
}

async function existingRelations(
  tx: WarehouseSession,
  names: string[],
): Promise<Map<string, 'view' | 'table'>> {
  const rows = await tx.query<{ table_name: string; table_type: string }>(
    `SELECT table_name, table_type FROM information_schema.tables
     WHERE table_schema = current_schema() AND table_name IN (${names.map((_, i) => `$${i + 1}`).join(', ')})`,
    names,
  );
  return new Map(rows.map((r) => [r.table_name, r.table_type === 'VIEW' ? 'view' : 'table']));
}

/**
 * `dbt build` without dbt: seeds, then every model in dependency order (views and tables, as
 * configured), then the schema tests, all in one transaction so a reader never sees half a build
 * and two builds at once take turns. Each relation is dropped and created again, as dbt does for
 * tables and views.
 */
export async function buildProject(
  warehouse: SqlWarehouse,
  project: DbtProject,
  options: BuildOptions = {},
): Promise<BuildResult> {
  const models = dependencyOrder(
    [...project.models.values()].map((m) => renderModel(project, m, warehouse.dialect)),
  );
  const seeds = [...project.seeds.values()];
  return warehouse.transaction(async (tx) => {
    if (warehouse.dialect === 'postgres') {
      // Two builds at once would drop each other's relations; the second waits here instead.
      await tx.query('SELECT pg_advisory_xact_lock($1)', [0x626b_666c_6462]);
    }
    const names = [...models.map((m) => m.name), ...seeds.map((s) => s.name)];
    const existing = await existingRelations(tx, names);
    const cascade = warehouse.dialect === 'postgres' ? ' CASCADE' : '';
    for (const name of [...names].reverse()) {
      const kind = existing.get(name);
      if (kind)
        await tx.exec(
          `DROP ${kind === 'view' ? 'VIEW' : 'TABLE'} IF EXISTS ${quoteIdentifier(name)}${cascade}`,
        );
    }
    const built: string[] = [];
    for (const seed of seeds) {
      await loadSeed(tx, seed, options.seedFiles?.[seed.name]);
      built.push(seed.name);
    }
    for (const model of models) {
      const kind = model.materialized === 'table' ? 'TABLE' : 'VIEW';
      await tx.exec(`CREATE ${kind} ${quoteIdentifier(model.name)} AS ${model.sql}`);
      built.push(model.name);
    }
    return { built, tests: await runSchemaTests(tx, project.tests) };
  });
}
