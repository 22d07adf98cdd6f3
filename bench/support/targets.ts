// The performance targets (bench/README.md, "Targets"), each checked against the figures the
// benchmarks of this invocation left in ctx.figures, so one run shows every target beside its
// measured value and ratio. A target whose benchmark did not run is listed as "not run".
import type { BenchContext } from './context.ts';
import { ms, num, type Table } from './table.ts';

type Unit = 'per s' | 'ms' | 'ratio';

interface Target {
  /** What is promised, as the README states it. */
  label: string;
  unit: Unit;
  /** The measured figure: a key of ctx.figures, or a quotient of two (a ratio to a baseline). */
  measured: string | [string, string];
  /** 'min': at least `goal`; 'max': at most `goal`. */
  bound: 'min' | 'max';
  goal: number;
  /** Where the figure comes from (`--only` name). */
  from: string;
}

const TARGETS: Target[] = [
  {
    label: 'delivery on a backlog, 1 endpoint, vs the plain PostgreSQL queue',
    unit: 'ratio',
    measured: ['delivery.platform.1', 'delivery.plain.1'],
    bound: 'min',
    goal: 1.2,
    from: 'delivery',
  },
  {
    label: 'delivery on a backlog, 10 endpoints, vs the plain PostgreSQL queue',
    unit: 'ratio',
    measured: ['delivery.platform.10', 'delivery.plain.10'],
    bound: 'min',
    goal: 1.2,
    from: 'delivery',
  },
  {
    label: 'delivery on a backlog, 1 endpoint, vs BullMQ',
    unit: 'ratio',
    measured: ['delivery.platform.1', 'delivery.bullmq.1'],
    bound: 'min',
    goal: 2.5,
    from: 'delivery',
  },
  {
    label: 'delivery on a backlog, 10 endpoints, vs BullMQ',
    unit: 'ratio',
    measured: ['delivery.platform.10', 'delivery.bullmq.10'],
    bound: 'min',
    goal: 2.5,
    from: 'delivery',
  },
  {
    label: 'publish and deliver at once, vs the backlog figure',
    unit: 'ratio',
    measured: ['delivery.concurrent.1', 'delivery.platform.1'],
    bound: 'min',
    goal: 0.8,
    from: 'delivery',
  },
  {
    label: 'publish, 64 in flight',
    unit: 'per s',
    measured: 'publish.64',
    bound: 'min',
    goal: 8_000,
    from: 'publish',
  },
  {
    label: 'publish p99 at 1,000/s, worker running',
    unit: 'ms',
    measured: 'e2e.publish.p99',
    bound: 'max',
    goal: 10,
    from: 'e2e',
  },
  {
    label: 'publish → receiver’s 200 p50 at 1,000/s',
    unit: 'ms',
    measured: 'e2e.p50',
    bound: 'max',
    goal: 15,
    from: 'e2e',
  },
  {
    label: 'publish → receiver’s 200 p99 at 1,000/s',
    unit: 'ms',
    measured: 'e2e.p99',
    bound: 'max',
    goal: 50,
    from: 'e2e',
  },
  {
    label: 'retry-heavy (20 % failing) vs the clean run',
    unit: 'ratio',
    measured: ['retries.failing', 'retries.clean'],
    bound: 'min',
    goal: 0.8,
    from: 'retries',
  },
  {
    label: 'receiver kit, PostgreSQL store, 64 in flight',
    unit: 'per s',
    measured: 'receiver.postgres.max',
    bound: 'min',
    goal: 8_000,
    from: 'receiver',
  },
  {
    label: 'receiver kit, PostgreSQL store, p99 at 2,000/s',
    unit: 'ms',
    measured: 'receiver.postgres.p99',
    bound: 'max',
    goal: 5,
    from: 'receiver',
  },
  {
    label: 'embedded (PGlite) deliveries',
    unit: 'per s',
    measured: 'embedded.rate',
    bound: 'min',
    goal: 3_000,
    from: 'embedded',
  },
  {
    label: 'noisy 1: B p99 beside a slow endpoint',
    unit: 'ms',
    measured: 'noisy.1.p99',
    bound: 'max',
    goal: 250,
    from: 'noisy',
  },
  {
    label: 'noisy 2: B p99 beside a backlog',
    unit: 'ms',
    measured: 'noisy.2.p99',
    bound: 'max',
    goal: 250,
    from: 'noisy',
  },
  {
    label: 'noisy 3: spread of p99 over 50 accounts',
    unit: 'ratio',
    measured: 'noisy.3.spread',
    bound: 'max',
    goal: 2,
    from: 'noisy',
  },
  {
    label: 'noisy 4: B p99 beside a bulk replay',
    unit: 'ms',
    measured: 'noisy.4.p99',
    bound: 'max',
    goal: 250,
    from: 'noisy',
  },
];

function show(unit: Unit, value: number): string {
  if (unit === 'ms') return ms(value);
  if (unit === 'ratio') return `${value.toFixed(2)}×`;
  return `${num(value)}/s`;
}

function measuredValue(figures: Map<string, number>, measured: Target['measured']): number | undefined {
  if (typeof measured === 'string') return figures.get(measured);
  const [top, bottom] = measured.map((k) => figures.get(k));
  if (top === undefined || bottom === undefined || !bottom) return undefined;
  return top / bottom;
}

/** One row a target: what was measured, the goal, how far (measured ÷ goal) and whether it is met. */
export function targetsTable(ctx: BenchContext): Table | null {
  const rows = TARGETS.map((t) => {
    const value = measuredValue(ctx.figures, t.measured);
    const goal = `${t.bound === 'min' ? '≥' : '≤'} ${show(t.unit, t.goal)}`;
    if (value === undefined || !Number.isFinite(value))
      return [t.label, `not run (--only ${t.from})`, goal, '', ''];
    const met = t.bound === 'min' ? value >= t.goal : value <= t.goal;
    return [t.label, show(t.unit, value), goal, `${(value / t.goal).toFixed(2)}×`, met ? 'met' : 'missed'];
  });
  if (rows.every((r) => r[1]!.startsWith('not run'))) return null;
  const e2eRate = ctx.figures.get('e2e.rate');
  const offRate =
    e2eRate !== undefined && e2eRate !== 1_000
      ? [`Benchmark 10 ran at ${num(e2eRate)}/s (--e2e-rate), not at the targets' 1,000/s.`]
      : [];
  return {
    title: 'Targets: every one beside its figure from this run',
    headers: ['target', 'measured', 'goal', 'measured ÷ goal', ''],
    rows,
    notes: [
      'Ratios are taken between figures of this same run (the baseline measured minutes apart on the same machine).',
      'For a "≤" target a measured ÷ goal above 1.00× is the factor by which it is missed.',
      ...offRate,
    ],
  };
}
