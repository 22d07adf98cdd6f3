import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboards, dashboardText } from '../grafana/src/index.ts';
import { startLiveStack } from './support/live-stack.ts';
import { DASHBOARDS_DIR, filesIn, OBSERVABILITY } from './support/paths.ts';
import { exposedSeries, problemsOf, selectorsOf } from './support/promql.ts';
import { loadRules } from './support/rules.ts';

interface GrafanaDashboard {
  title: string;
  panels: Array<{ title: string; targets?: Array<{ expr: string }> }>;
  templating: { list: Array<{ name: string; definition?: string }> };
}

/** Every PromQL expression of the committed dashboards and rule files, with where it is. */
function expressions(): Array<{ where: string; expr: string }> {
  const found: Array<{ where: string; expr: string }> = [];
  for (const file of filesIn(DASHBOARDS_DIR, '.json')) {
    const d = JSON.parse(readFileSync(file, 'utf8')) as GrafanaDashboard;
    for (const panel of d.panels) {
      for (const t of panel.targets ?? []) found.push({ where: `${d.title} / ${panel.title}`, expr: t.expr });
    }
    for (const v of d.templating.list) {
      const metric = /^label_values\((\w+),/.exec(v.definition ?? '')?.[1];
      if (metric) found.push({ where: `${d.title} / variable ${v.name}`, expr: metric });
    }
  }
  for (const rule of loadRules()) {
    found.push({ where: `${basename(rule.file)} / ${rule.alert ?? rule.record}`, expr: rule.expr });
  }
  return found;
}

const recorded = new Set(loadRules().flatMap((r) => (r.record ? [r.record] : [])));

describe('dashboards and rules use only metrics the code exports', { timeout: 120_000 }, () => {
  let stack: Awaited<ReturnType<typeof startLiveStack>>;
  let exposed: Map<string, Set<string>>;

  beforeAll(async () => {
    stack = await startLiveStack();
    await stack.drive(2);
    // Until every kind of series the dashboards chart exists: handled events (errors and a dead
    // letter included), the failing endpoint's attempts and the receiver's failed depth read.
    const needed = [
      'bookflow_receiver_handler_errors_total',
      'bookflow_receiver_store_errors_total',
      'bookflow_receiver_dedupe_hits_total',
      'bookflow_receiver_verification_failures_total',
      'bookflow_endpoint_failing_seconds',
    ];
    let missing: string[] = needed;
    for (let round = 0; round < 600; round++) {
      const { platform, receiver } = await stack.metrics();
      const merged = exposedSeries(`${platform}\n${receiver}`);
      missing = needed.filter((m) => !merged.has(m));
      if (!/^bookflow_receiver_dead_letter_depth [1-9]/m.test(receiver))
        missing.push('a receiver dead letter');
      if (missing.length === 0) {
        exposed = merged;
        return;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`the live stack never showed: ${missing.join(', ')}`);
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('every dashboard panel and rule references exported metrics with labels they carry', () => {
    const all = expressions();
    expect(all.length).toBeGreaterThan(40);
    const problems = all.flatMap(({ where, expr }) => problemsOf(where, expr, exposed, recorded));
    expect(problems).toEqual([]);
  });

  it("the CloudWatch agent's metric selectors each match an exported metric", () => {
    const agent = JSON.parse(
      readFileSync(`${OBSERVABILITY}/cloudwatch/amazon-cloudwatch-agent.json`, 'utf8'),
    );
    const selectors = (
      agent.logs.metrics_collected.prometheus.emf_processor.metric_declaration as Array<{
        metric_selectors: string[];
      }>
    ).flatMap((d) => d.metric_selectors);
    const names = [...exposed.keys()];
    expect(selectors.filter((s) => !names.some((n) => new RegExp(s).test(n)))).toEqual([]);
  });

  it('fails a panel or rule that references a missing metric or label', () => {
    expect(problemsOf('rule X', 'rate(bookflow_events_publishd_total[5m]) > 0', exposed, recorded)).toEqual([
      'rule X: bookflow_events_publishd_total is not exported by a live platform or receiver',
    ]);
    expect(
      problemsOf(
        'panel Y',
        'sum(rate(bookflow_delivery_attempts_total{result="failed",job=~"$job"}[$__rate_interval]))',
        exposed,
        recorded,
      ),
    ).toEqual(['panel Y: bookflow_delivery_attempts_total has no label result']);
  });
});

describe('the PromQL reader', () => {
  it('finds metrics inside functions, aggregations, offsets and binary operators, never labels', () => {
    const names = selectorsOf(
      'histogram_quantile(0.99, sum by (le) (rate(a_bucket{outcome="x"}[5m] offset 1w))) / on (type) b:rec or up',
    );
    expect(names).toEqual([
      { metric: 'a_bucket', labels: ['outcome'] },
      { metric: 'b:rec', labels: [] },
      { metric: 'up', labels: [] },
    ]);
  });

  it('refuses an expression that is not PromQL', () => {
    expect(() => selectorsOf('sum(rate(x[5m])')).toThrow(/not valid PromQL/);
  });
});

it('the committed dashboards are what observability/grafana/src produces (npm run observability:dashboards)', () => {
  for (const [file, json] of Object.entries(dashboards())) {
    expect(readFileSync(`${DASHBOARDS_DIR}/${file}`, 'utf8'), file).toBe(dashboardText(json));
  }
});
