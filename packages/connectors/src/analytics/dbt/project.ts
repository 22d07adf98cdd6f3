import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import { parse as parseYaml } from 'yaml';

/** One column test of a schema.yml, as dbt names them. */
export type ColumnTest =
  | { kind: 'unique' }
  | { kind: 'not_null' }
  | { kind: 'accepted_values'; values: Array<string | number>; quote: boolean };

export interface SchemaTest {
  /** A model or seed name. */
  relation: string;
  column: string;
  test: ColumnTest;
}

export interface ModelFile {
  name: string;
  path: string;
  sql: string;
  /** From dbt_project.yml's `models:` tree for the model's folder (`+materialized` and such). */
  folderConfig: Record<string, unknown>;
}

export interface SeedFile {
  name: string;
  path: string;
  columnTypes: Record<string, string>;
}

export interface DbtProject {
  dir: string;
  name: string;
  models: Map<string, ModelFile>;
  seeds: Map<string, SeedFile>;
  /** `source_name.table_name` → the table's identifier. */
  sources: Map<string, string>;
  /** Every macro file's text, prepended to each model when it is rendered (dbt's macros are global). */
  macros: string;
  tests: SchemaTest[];
}

export class ProjectError extends Error {
  override readonly name = 'ProjectError';
}

function filesUnder(dir: string, extension: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...filesUnder(path, extension));
    else if (entry.name.endsWith(extension)) found.push(path);
  }
  return found.sort();
}

function stringList(value: unknown, fallback: string[]): string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : fallback;
}

/** `+key` settings of a dbt_project.yml config tree along a folder path, the deepest winning. */
function folderConfig(tree: unknown, folders: string[]): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  let node = tree as Record<string, unknown> | undefined;
  for (const folder of [null, ...folders]) {
    if (folder !== null) node = node?.[folder] as Record<string, unknown> | undefined;
    if (!node || typeof node !== 'object') break;
    for (const [key, value] of Object.entries(node)) if (key.startsWith('+')) config[key.slice(1)] = value;
  }
  return config;
}

function columnTest(raw: unknown, where: string): ColumnTest {
  if (raw === 'unique') return { kind: 'unique' };
  if (raw === 'not_null') return { kind: 'not_null' };
  if (raw && typeof raw === 'object' && 'accepted_values' in raw) {
    const spec = (raw as { accepted_values: { values?: unknown; quote?: unknown } }).accepted_values;
    if (!Array.isArray(spec.values)) throw new ProjectError(`${where}: accepted_values needs a values list`);
    return {
      kind: 'accepted_values',
      values: spec.values as Array<string | number>,
      quote: spec.quote !== false,
    };
  }
  throw new ProjectError(
    `${where}: unsupported test ${JSON.stringify(raw)} (unique, not_null, accepted_values)`,
  );
}

function readSchemaFile(path: string, project: DbtProject): void {
  const doc = (parseYaml(readFileSync(path, 'utf8')) ?? {}) as Record<string, unknown>;
  for (const source of (doc.sources ?? []) as Array<{
    name: string;
    tables?: Array<Record<string, unknown>>;
  }>) {
    for (const table of source.tables ?? []) {
      const name = String(table.name);
      project.sources.set(`${source.name}.${name}`, String(table.identifier ?? name));
      collectTests(project, String(table.identifier ?? name), table.columns, path);
    }
  }
  for (const key of ['models', 'seeds'] as const) {
    for (const entry of (doc[key] ?? []) as Array<Record<string, unknown>>) {
      collectTests(project, String(entry.name), entry.columns, path);
    }
  }
}

function collectTests(project: DbtProject, relation: string, columns: unknown, path: string): void {
  for (const column of (columns ?? []) as Array<{ name: string; tests?: unknown[] }>) {
    for (const test of column.tests ?? []) {
      project.tests.push({
        relation,
        column: column.name,
        test: columnTest(test, `${path} ${relation}.${column.name}`),
      });
    }
  }
}

/** Reads a dbt project the way dbt lays it out: dbt_project.yml, models, seeds, macros, yml files. */
export function loadProject(dir: string): DbtProject {
  let settings: Record<string, unknown>;
  try {
    settings = parseYaml(readFileSync(join(dir, 'dbt_project.yml'), 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new ProjectError(`cannot read ${join(dir, 'dbt_project.yml')}: ${(error as Error).message}`);
  }
  const name = String(settings.name);
  const project: DbtProject = {
    dir,
    name,
    models: new Map(),
    seeds: new Map(),
    sources: new Map(),
    macros: '',
    tests: [],
  };
  const modelsTree = (settings.models as Record<string, unknown> | undefined)?.[name];
  for (const modelDir of stringList(settings['model-paths'], ['models'])) {
    const root = join(dir, modelDir);
    for (const path of filesUnder(root, '.sql')) {
      const model = basename(path, '.sql');
      if (project.models.has(model)) throw new ProjectError(`two models named ${model}`);
      const folders = relative(root, path).split(sep).slice(0, -1);
      project.models.set(model, {
        name: model,
        path,
        sql: readFileSync(path, 'utf8'),
        folderConfig: folderConfig(modelsTree, folders),
      });
    }
    for (const path of [...filesUnder(root, '.yml'), ...filesUnder(root, '.yaml')])
      readSchemaFile(path, project);
  }
  const seedsTree = (settings.seeds as Record<string, unknown> | undefined)?.[name] as
    | Record<string, unknown>
    | undefined;
  for (const seedDir of stringList(settings['seed-paths'], ['seeds'])) {
    for (const path of filesUnder(join(dir, seedDir), '.csv')) {
      const seed = basename(path, '.csv');
      const config = folderConfig(seedsTree?.[seed], []);
      project.seeds.set(seed, {
        name: seed,
        path,
        columnTypes: (config.column_types ?? {}) as Record<string, string>,
      });
    }
  }
  project.macros = stringList(settings['macro-paths'], ['macros'])
    .flatMap((macroDir) => filesUnder(join(dir, macroDir), '.sql'))
    .map((path) => readFileSync(path, 'utf8'))
    .join('\n');
  return project;
}
