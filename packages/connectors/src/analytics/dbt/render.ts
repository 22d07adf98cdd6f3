import nunjucks from 'nunjucks';
import type { Dialect } from '../../warehouse/warehouse.ts';
import type { DbtProject, ModelFile } from './project.ts';

export interface RenderedModel {
  name: string;
  sql: string;
  /** Models and seeds this one reads through ref(). */
  refs: string[];
  materialized: 'view' | 'table';
}

/** nunjucks passes keyword arguments as a trailing object flagged `__keywords`. */
function keywords(args: unknown[]): Record<string, unknown> {
  const last = args.at(-1) as Record<string, unknown> | undefined;
  return last && typeof last === 'object' && last.__keywords ? last : {};
}

// dbt's Jinja, as far as these models use it: ref, source, config, var, target and macros.
// nunjucks is a port of Jinja2 for JavaScript; its syntax covers what dbt models write.
const environment = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: true });

export class RenderError extends Error {
  override readonly name = 'RenderError';
}

/** Renders one model's Jinja to SQL for `dialect`, recording its refs and config. */
export function renderModel(project: DbtProject, model: ModelFile, dialect: Dialect): RenderedModel {
  const refs = new Set<string>();
  const config: Record<string, unknown> = { ...model.folderConfig };
  const context = {
    target: { type: dialect, name: dialect, schema: 'main' },
    ref(name: string) {
      if (!project.models.has(name) && !project.seeds.has(name)) {
        throw new RenderError(`${model.name} refers to ${name}, which is neither a model nor a seed`);
      }
      refs.add(name);
      return name;
    },
    source(sourceName: string, table: string) {
      const identifier = project.sources.get(`${sourceName}.${table}`);
      if (!identifier) throw new RenderError(`${model.name}: no source ${sourceName}.${table} in any .yml`);
      return identifier;
    },
    config(...args: unknown[]) {
      const { __keywords: _, ...settings } = keywords(args);
      Object.assign(config, settings);
      return '';
    },
    var(name: string, fallback?: unknown) {
      if (fallback === undefined) throw new RenderError(`${model.name}: var('${name}') has no default`);
      return fallback;
    },
  };
  let sql: string;
  try {
    sql = environment.renderString(`${project.macros}\n${model.sql}`, context).trim();
  } catch (error) {
    throw new RenderError(`${model.path}: ${(error as Error).message}`);
  }
  const materialized = config.materialized === 'table' ? 'table' : 'view';
  return { name: model.name, sql, refs: [...refs], materialized };
}

/** Models in an order where each comes after every model it refs (seeds are built first). */
export function dependencyOrder(models: RenderedModel[]): RenderedModel[] {
  const byName = new Map(models.map((m) => [m.name, m]));
  const ordered: RenderedModel[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (model: RenderedModel, path: string[]) => {
    if (state.get(model.name) === 'done') return;
    if (state.get(model.name) === 'visiting') {
      throw new RenderError(`models refer to each other in a cycle: ${[...path, model.name].join(' → ')}`);
    }
    state.set(model.name, 'visiting');
    for (const ref of model.refs) {
      const dependency = byName.get(ref);
      if (dependency) visit(dependency, [...path, model.name]);
    }
    state.set(model.name, 'done');
    ordered.push(model);
  };
  for (const model of [...models].sort((a, b) => a.name.localeCompare(b.name))) visit(model, []);
  return ordered;
}
