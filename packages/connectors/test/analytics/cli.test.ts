import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAnalytics } from '../support/cli.ts';
import { toJsonLines } from '../support/traffic.ts';
import { createTestDatabase, POSTGRES_URL } from '../support/warehouses.ts';
import { smallFixture } from './small-fixture.ts';

let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bookflow-analytics-cli-'));
  env = { BOOKFLOW_ANALYTICS_DATA_DIR: join(dir, 'data') };
  await writeFile(join(dir, 'events.jsonl'), toJsonLines(smallFixture()));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

// Each case starts a process (a few seconds on a busy machine): room for the longest, a limit, not a timing.
describe('npm run analytics (DuckDB in BOOKFLOW_ANALYTICS_DATA_DIR)', { timeout: 180_000 }, () => {
  it('loads a file idempotently and prints the funnel as JSON, CSV and a table', async () => {
    const first = await runAnalytics(['load', '--file', join(dir, 'events.jsonl')], env);
    expect(first.stderr).toContain('loaded 27 new event(s) into duckdb (4 already there) from 31 line(s)');
    expect(first.code).toBe(0);
    const again = await runAnalytics(['load', '--file', join(dir, 'events.jsonl')], env);
    expect(again.stderr).toContain('loaded 0 new event(s) into duckdb (31 already there)');

    const json = await runAnalytics(['funnel', '--by', 'source,campaign', '--format', 'json'], env);
    expect(json.code).toBe(0);
    const rows = JSON.parse(json.stdout) as Array<Record<string, unknown>>;
    expect(rows.map((r) => [r.source, r.campaign, r.dials, r.meetings_booked, r.cost_per_meeting])).toEqual([
      ['paid_search', null, 2, 1, null],
      ['referral', 'q2-outbound', 1, 1, 800],
      ['webinar', 'spring-webinar', 3, 2, 600],
    ]);
    // Every field in every row, in the documented order.
    for (const row of rows) {
      expect(Object.keys(row)).toEqual([
        'source',
        'campaign',
        'dials',
        'connects',
        'connect_rate',
        'meetings_booked',
        'book_rate',
        'meetings_canceled',
        'held',
        'no_show',
        'show_rate',
        'disqualified',
        'spend_usd',
        'cost_per_meeting',
      ]);
    }

    const csv = await runAnalytics(['funnel', '--by', 'source', '--by', 'day', '--format', 'csv'], env);
    const lines = csv.stdout.trim().split('\n');
    expect(lines[0]).toBe(
      'source,day,dials,connects,connect_rate,meetings_booked,book_rate,meetings_canceled,held,no_show,show_rate,disqualified,spend_usd,cost_per_meeting',
    );
    expect(lines).toContain('paid_search,2026-03-04,1,1,1,1,1,0,0,1,0,0,,');

    const table = await runAnalytics(['funnel', '--format', 'table'], env);
    expect(table.stdout).toMatch(/webinar\s+spring-webinar\s+3\s+2\s+66\.7%/);
  });

  it('uses a campaigns file given with --campaigns', async () => {
    const campaigns = join(dir, 'campaigns.csv');
    await writeFile(campaigns, 'campaign,name,channel,spend_usd\nspring-webinar,Spring,webinar,300\n');
    const result = await runAnalytics(
      ['funnel', '--by', 'campaign', '--campaigns', campaigns, '--format', 'json'],
      env,
    );
    const rows = JSON.parse(result.stdout) as Array<Record<string, unknown>>;
    expect(rows.find((r) => r.campaign === 'spring-webinar')).toMatchObject({
      spend_usd: 300,
      cost_per_meeting: 150,
    });
    expect(rows.find((r) => r.campaign === 'q2-outbound')).toMatchObject({
      spend_usd: null,
      cost_per_meeting: null,
    });
  });

  it('refuses a bad line with its number and loads nothing from that file', async () => {
    const bad = join(dir, 'bad.jsonl');
    const other = { id: 'e-new', type: 'call.started', created_at: '2026-03-09T00:00:00Z', data: {} };
    await writeFile(bad, `${JSON.stringify(other)}\n{"id": "x", "type": "call.started"}\n`);
    const result = await runAnalytics(['load', '--file', bad], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('line 2: the envelope has no "created_at"; nothing was loaded');
    const json = await runAnalytics(['funnel', '--by', 'source', '--format', 'json'], env);
    expect(JSON.parse(json.stdout).reduce((n: number, r: { dials: number }) => n + r.dials, 0)).toBe(6);

    const notJson = join(dir, 'not-json.jsonl');
    await writeFile(notJson, 'hello\n');
    expect((await runAnalytics(['load', '--file', notJson], env)).stderr).toContain(
      'line 1 is not valid JSON',
    );
  });

  it('says what to fix for a wrong command line', async () => {
    const cases: Array<[string[], string]> = [
      [['funnel', '--by', 'country'], '--by takes source, campaign, day; not country'],
      [['funnel', '--format', 'xml'], '--format takes json, table, csv; not xml'],
      [['funnel', '--from', '2026-13-45'], '--from must be a date as YYYY-MM-DD'],
      [['funnel', '--from', '2026-03-05', '--to', '2026-03-01'], 'is after --to'],
      [['load'], 'load needs --file events.jsonl'],
      [['load', '--file', join(dir, 'missing.jsonl')], 'cannot read'],
      [['explode'], 'unknown command explode'],
      [['funnel', '--postgres', 'mysql://x'], '--postgres must be a postgres:// connection string'],
    ];
    for (const [args, message] of cases) {
      const result = await runAnalytics(args, env);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toContain(message);
    }
  });

  it.runIf(POSTGRES_URL)('does the same on PostgreSQL with --postgres', async () => {
    const database = await createTestDatabase();
    try {
      await runAnalytics(['load', '--file', join(dir, 'events.jsonl'), '--postgres', database.url], env);
      const result = await runAnalytics(['funnel', '--format', 'json', '--postgres', database.url], env);
      const duck = await runAnalytics(['funnel', '--format', 'json'], env);
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toEqual(JSON.parse(duck.stdout));
    } finally {
      await database.drop();
    }
  });

  it('writes an HTML report with --html', async () => {
    const report = join(dir, 'report.html');
    const result = await runAnalytics(['funnel', '--format', 'json', '--html', report], env);
    expect(result.code).toBe(0);
    const html = await readFile(report, 'utf8');
    expect(html).toContain('<!doctype html>');
    // Self-contained: Chart.js inlined, nothing fetched.
    expect(html).toContain('Chart.js v4');
    expect(html).not.toMatch(/<script[^>]+src=/);
    const data = JSON.parse(
      /<script id="funnel-data" type="application\/json">(.*?)<\/script>/s.exec(html)![1]!,
    );
    expect(data.bySource.map((r: { source: string; dials: number }) => [r.source, r.dials])).toEqual([
      ['paid_search', 2],
      ['referral', 1],
      ['webinar', 3],
    ]);
    expect(data.byDay.map((r: { day: string }) => r.day)).toEqual(['2026-03-02', '2026-03-03', '2026-03-04']);
  });
});
