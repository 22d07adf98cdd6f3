import type { IncomingMessage, ServerResponse } from 'node:http';
import { text } from 'node:stream/consumers';
import { LocalFake } from './local-fake.ts';

/**
 * A local BigQuery REST API (v2) with what the sink uses, as documented: datasets and tables get
 * and insert, and tabledata.insertAll, which drops a row whose insertId it has already seen.
 * Rows are checked against the table's schema (required fields present, no unknown field).
 */
export class BigQueryFake extends LocalFake {
  readonly datasets = new Set<string>();
  readonly tables = new Map<
    string,
    { fields: Array<{ name: string; mode?: string }>; rows: Array<Record<string, unknown>> }
  >();
  readonly insertIds = new Set<string>();
  insertCalls = 0;
  #send(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  #notFound(res: ServerResponse, what: string): void {
    this.#send(res, 404, {
      error: {
        code: 404,
        message: `Not found: ${what}`,
        errors: [{ reason: 'notFound', message: `Not found: ${what}` }],
        status: 'NOT_FOUND',
      },
    });
  }

  protected override async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await text(req);
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    const m =
      /^\/bigquery\/v2\/projects\/([^/]+)\/datasets(?:\/([^/]+)(?:\/tables(?:\/([^/]+)(\/insertAll)?)?)?)?$/.exec(
        path,
      );
    if (!m) return this.#notFound(res, path);
    const [, project, dataset, table, insertAll] = m;
    const datasetKey = `${project}:${dataset ?? (body.datasetReference as { datasetId?: string })?.datasetId}`;
    if (!dataset && req.method === 'POST') {
      this.datasets.add(datasetKey);
      return this.#send(res, 200, { ...body, id: datasetKey });
    }
    if (!this.datasets.has(datasetKey)) return this.#notFound(res, `Dataset ${datasetKey}`);
    if (dataset && path.endsWith('/tables') && req.method === 'POST') {
      const tableId = (body.tableReference as { tableId: string }).tableId;
      this.tables.set(`${datasetKey}.${tableId}`, {
        fields: (body.schema as { fields: [] }).fields,
        rows: [],
      });
      return this.#send(res, 200, { ...body, id: `${datasetKey}.${tableId}` });
    }
    if (!table)
      return this.#send(res, 200, {
        id: datasetKey,
        datasetReference: { projectId: project, datasetId: dataset },
      });
    const stored = this.tables.get(`${datasetKey}.${table}`);
    if (!stored) return this.#notFound(res, `Table ${datasetKey}.${table}`);
    if (!insertAll)
      return this.#send(res, 200, { id: `${datasetKey}.${table}`, schema: { fields: stored.fields } });
    this.insertCalls++;
    const insertErrors: unknown[] = [];
    for (const [index, row] of (
      (body.rows ?? []) as Array<{ insertId?: string; json: Record<string, unknown> }>
    ).entries()) {
      const unknown = Object.keys(row.json).filter((k) => !stored.fields.some((f) => f.name === k));
      const missing = stored.fields
        .filter((f) => f.mode === 'REQUIRED' && row.json[f.name] === undefined)
        .map((f) => f.name);
      if (unknown.length > 0 || missing.length > 0) {
        insertErrors.push({
          index,
          errors: [
            {
              reason: 'invalid',
              message: `no such field or missing: ${[...unknown, ...missing].join(', ')}`,
            },
          ],
        });
        continue;
      }
      if (row.insertId && this.insertIds.has(row.insertId)) continue;
      if (row.insertId) this.insertIds.add(row.insertId);
      stored.rows.push(row.json);
    }
    this.#send(
      res,
      200,
      insertErrors.length > 0
        ? { kind: 'bigquery#tableDataInsertAllResponse', insertErrors }
        : { kind: 'bigquery#tableDataInsertAllResponse' },
    );
  }
}
