import { parser } from '@prometheus-io/lezer-promql';

/** Labels Prometheus adds to every scraped series: not in /metrics, fine in any selector. */
export const TARGET_LABELS = new Set(['job', 'instance']);
/** Series Prometheus makes itself for each target. */
export const SCRAPE_SERIES = new Set(['up', 'scrape_duration_seconds', 'scrape_samples_scraped']);

export interface Selector {
  metric: string;
  /** Label names in the selector's matchers ({outcome="created"} → outcome). */
  labels: string[];
}

/**
 * Grafana's variables made concrete so the query parses as PromQL: a range for
 * $__rate_interval, a regex for multi-value variables such as $job.
 */
export function concreteQuery(expr: string): string {
  const out = expr
    .replaceAll('$__rate_interval', '5m')
    .replaceAll('$__interval', '1m')
    .replace(/\$\{?(\w+)\}?/g, '.+');
  return out;
}

/**
 * The metric selectors of a PromQL expression, from the official PromQL grammar (the one
 * Prometheus' own UI uses), so names inside functions, aggregations, offsets and binary
 * operators are all found and label names are never mistaken for metrics.
 */
export function selectorsOf(expr: string): Selector[] {
  const tree = parser.parse(expr);
  const selectors: Selector[] = [];
  const errors: string[] = [];
  tree.iterate({
    enter(node) {
      if (node.type.isError)
        errors.push(`at ${node.from}: ${JSON.stringify(expr.slice(node.from, node.from + 20))}`);
      if (node.name !== 'VectorSelector') return;
      const metric = node.node.getChild('Identifier');
      const labels: string[] = [];
      const matchers = node.node.getChild('LabelMatchers');
      if (matchers) {
        const cursor = matchers.cursor();
        cursor.iterate((inner) => {
          if (inner.name === 'LabelName') labels.push(expr.slice(inner.from, inner.to));
        });
      }
      if (metric) selectors.push({ metric: expr.slice(metric.from, metric.to), labels });
    },
  });
  if (errors.length > 0) throw new Error(`not valid PromQL (${errors.join('; ')}): ${expr}`);
  return selectors;
}

/** Series names and, per name, the label names seen on them, from a Prometheus text exposition. */
export function exposedSeries(text: string): Map<string, Set<string>> {
  const series = new Map<string, Set<string>>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})?\s/.exec(line);
    if (!match) continue;
    const labels = series.get(match[1]!) ?? new Set<string>();
    for (const pair of (match[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="/g)) labels.add(pair[1]!);
    series.set(match[1]!, labels);
  }
  return series;
}

/**
 * What is wrong with the selectors of one expression against the exposed series and the
 * recording rules' names: a metric nobody exports, or a label its series never carry.
 */
export function problemsOf(
  where: string,
  expr: string,
  exposed: Map<string, Set<string>>,
  recorded: Set<string>,
): string[] {
  const problems: string[] = [];
  for (const { metric, labels } of selectorsOf(concreteQuery(expr))) {
    if (recorded.has(metric) || SCRAPE_SERIES.has(metric)) continue;
    const known = exposed.get(metric);
    if (!known) {
      problems.push(`${where}: ${metric} is not exported by a live platform or receiver`);
      continue;
    }
    for (const label of labels) {
      if (!TARGET_LABELS.has(label) && !known.has(label)) {
        problems.push(`${where}: ${metric} has no label ${label}`);
      }
    }
  }
  return problems;
}
