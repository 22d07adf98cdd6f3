import { useMemo, useState } from 'react';
import { useStats } from '../api/queries.ts';
import type { Stats } from '../api/types.ts';
import { Chart, type Series } from './chart.tsx';
import { ErrorNote, Loading } from './ui.tsx';

const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)} %`);
const msText = (v: number | null) => (v === null ? '—' : `${v} ms`);

function seriesOf(stats: Stats) {
  const b = stats.buckets;
  const times = b.map((x) => Date.parse(x.at) / 1000);
  const perMinute = stats.bucket_seconds / 60;
  const outcomes: Series[] = [
    { label: 'succeeded', color: '#15803d', values: b.map((x) => x.succeeded / perMinute) },
    { label: 'failed', color: '#b45309', values: b.map((x) => x.failed / perMinute) },
    { label: 'dead-lettered', color: '#b91c1c', values: b.map((x) => x.dead_lettered / perMinute) },
  ];
  const rate: Series[] = [
    {
      label: 'success rate %',
      color: '#1d4ed8',
      values: b.map((x) => (x.success_rate === null ? null : x.success_rate * 100)),
    },
  ];
  const latency: Series[] = [
    { label: 'p50', color: '#15803d', values: b.map((x) => x.latency_ms.p50) },
    { label: 'p95', color: '#b45309', values: b.map((x) => x.latency_ms.p95) },
    { label: 'p99', color: '#b91c1c', values: b.map((x) => x.latency_ms.p99) },
  ];
  const depth: Series[] = [
    { label: 'queue', color: '#1d4ed8', values: b.map((x) => x.queue_depth) },
    { label: 'dead letter', color: '#b91c1c', values: b.map((x) => x.dead_letter_depth) },
  ];
  return { times, outcomes, rate, latency, depth };
}

/** Health at a glance for the account or one endpoint: charts, and the same numbers as text. */
export function HealthCharts({ endpointId }: { endpointId?: string }) {
  const [window, setWindow] = useState<'1h' | '24h'>('1h');
  const stats = useStats(window, endpointId);
  const s = useMemo(() => (stats.data ? seriesOf(stats.data) : null), [stats.data]);
  return (
    <section aria-labelledby="health-title" className="health">
      <div className="row between">
        <h2 id="health-title">Health</h2>
        <fieldset className="segmented">
          <legend className="sr-only">Time window</legend>
          {(['1h', '24h'] as const).map((w) => (
            <label key={w} className={window === w ? 'on' : ''}>
              <input
                type="radio"
                name={`window-${endpointId ?? 'all'}`}
                checked={window === w}
                onChange={() => setWindow(w)}
              />
              {w === '1h' ? 'Last hour' : 'Last day'}
            </label>
          ))}
        </fieldset>
      </div>
      {stats.isPending && <Loading what="health figures" />}
      <ErrorNote error={stats.error} />
      {stats.data && s && (
        <>
          <dl className="figures" aria-label="Health figures">
            <div>
              <dt>Success rate</dt>
              <dd>{pct(stats.data.totals.success_rate)}</dd>
            </div>
            <div>
              <dt>Attempts succeeded / failed</dt>
              <dd>
                {stats.data.totals.succeeded} / {stats.data.totals.failed}
              </dd>
            </div>
            <div>
              <dt>Latency p50 / p95 / p99</dt>
              <dd>
                {msText(stats.data.totals.latency_ms.p50)} / {msText(stats.data.totals.latency_ms.p95)} /{' '}
                {msText(stats.data.totals.latency_ms.p99)}
              </dd>
            </div>
            <div>
              <dt>Queue depth</dt>
              <dd>{stats.data.now.queue_depth}</dd>
            </div>
            <div>
              <dt>Dead letters</dt>
              <dd>{stats.data.now.dead_letter_depth}</dd>
            </div>
          </dl>
          <div className="charts">
            <Chart title="Deliveries per minute by outcome" times={s.times} series={s.outcomes} />
            <Chart title="Success rate" times={s.times} series={s.rate} />
            <Chart title="Latency (ms)" times={s.times} series={s.latency} />
            <Chart title="Queue and dead-letter depth" times={s.times} series={s.depth} />
          </div>
          <details>
            <summary>Figures as a table</summary>
            <div className="table-wrap">
              <table>
                <caption className="sr-only">
                  Health figures per {stats.data.bucket_seconds / 60} minutes
                </caption>
                <thead>
                  <tr>
                    <th scope="col">From</th>
                    <th scope="col">Succeeded</th>
                    <th scope="col">Failed</th>
                    <th scope="col">Dead-lettered</th>
                    <th scope="col">Success rate</th>
                    <th scope="col">p50 / p95 / p99</th>
                    <th scope="col">Queue</th>
                    <th scope="col">Dead letter</th>
                  </tr>
                </thead>
                <tbody>
                  {stats.data.buckets
                    .filter(
                      (b) =>
                        b.succeeded + b.failed + b.dead_lettered + b.queue_depth + b.dead_letter_depth > 0,
                    )
                    .map((b) => (
                      <tr key={b.at}>
                        <td>{new Date(b.at).toLocaleTimeString()}</td>
                        <td>{b.succeeded}</td>
                        <td>{b.failed}</td>
                        <td>{b.dead_lettered}</td>
                        <td>{pct(b.success_rate)}</td>
                        <td>
                          {msText(b.latency_ms.p50)} / {msText(b.latency_ms.p95)} / {msText(b.latency_ms.p99)}
                        </td>
                        <td>{b.queue_depth}</td>
                        <td>{b.dead_letter_depth}</td>
                      </tr>
                    ))}
                </tbody>
              </table>
            </div>
          </details>
        </>
      )}
    </section>
  );
}
