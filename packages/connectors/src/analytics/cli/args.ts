import { parseArgs } from 'node:util';
import { FORMATS, type Format } from '../funnel/format.ts';
import { GROUP_COLUMNS, type GroupColumn } from '../funnel/funnel.ts';
import { DEFAULT_DATA_DIR } from '../open-warehouse.ts';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const USAGE = `usage:
  npm run analytics -- load --file events.jsonl [--postgres URL]
  npm run analytics -- funnel [--by source,campaign] [--by day] [--from YYYY-MM-DD --to YYYY-MM-DD]
                              [--campaigns campaigns.csv] [--format json|table|csv] [--html report.html]
                              [--postgres URL]
DuckDB in $BOOKFLOW_ANALYTICS_DATA_DIR (default ${DEFAULT_DATA_DIR}) unless --postgres is given.`;

export type Command =
  | { name: 'load'; file: string; postgresUrl?: string; dataDir: string }
  | {
      name: 'funnel';
      by: GroupColumn[];
      from?: string;
      to?: string;
      campaigns?: string;
      format: Format;
      html?: string;
      postgresUrl?: string;
      dataDir: string;
    };

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function date(value: string | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined;
  if (!DATE.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
    throw new UsageError(`${flag} must be a date as YYYY-MM-DD, not ${JSON.stringify(value)}`);
  }
  return value;
}

function postgres(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    const url = new URL(value);
    if (url.protocol === 'postgres:' || url.protocol === 'postgresql:') return value;
  } catch {}
  throw new UsageError('--postgres must be a postgres:// connection string');
}

/** Reads the command line; every mistake is a UsageError that says what to write instead. */
export function parseCommand(argv: readonly string[], env: Record<string, string | undefined>): Command {
  const [name, ...rest] = argv;
  const dataDir = env.BOOKFLOW_ANALYTICS_DATA_DIR?.trim() || DEFAULT_DATA_DIR;
  let values: Record<string, string | string[] | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...rest],
      options: {
        file: { type: 'string' },
        postgres: { type: 'string' },
        by: { type: 'string', multiple: true },
        from: { type: 'string' },
        to: { type: 'string' },
        campaigns: { type: 'string' },
        format: { type: 'string' },
        html: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const postgresUrl = postgres(values.postgres as string | undefined);
  if (name === 'load') {
    if (typeof values.file !== 'string') throw new UsageError('load needs --file events.jsonl');
    return { name, file: values.file, postgresUrl, dataDir };
  }
  if (name === 'funnel') {
    const by = ((values.by as string[] | undefined) ?? ['source,campaign'])
      .flatMap((v) => v.split(','))
      .map((v) => v.trim());
    const unknown = by.filter((c) => !(GROUP_COLUMNS as readonly string[]).includes(c));
    if (unknown.length > 0)
      throw new UsageError(`--by takes ${GROUP_COLUMNS.join(', ')}; not ${unknown.join(', ')}`);
    const format = (values.format as string | undefined) ?? 'table';
    if (!(FORMATS as readonly string[]).includes(format))
      throw new UsageError(`--format takes ${FORMATS.join(', ')}; not ${format}`);
    const from = date(values.from as string | undefined, '--from');
    const to = date(values.to as string | undefined, '--to');
    if (from && to && from > to) throw new UsageError(`--from ${from} is after --to ${to}`);
    return {
      name,
      by: [...new Set(by)] as GroupColumn[],
      from,
      to,
      campaigns: values.campaigns as string | undefined,
      format: format as Format,
      html: values.html as string | undefined,
      postgresUrl,
      dataDir,
    };
  }
  throw new UsageError(name ? `unknown command ${name}` : 'no command given');
}
