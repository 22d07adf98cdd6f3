// Benchmark 9's runs: several platform processes of one role on one PostgreSQL database. Workers:
// N worker-only processes started together on a backlog, timed until the receiver has every
// delivery. API: N api-only processes behind the load generator, its connections spread over their
// ports. CPU is summed over the processes, PostgreSQL's is that of the run database's backends.
import type { LoadResult } from '../children/load.ts';
import { type Child, startChild } from './child-process.ts';
import { postgresCpuMeter } from './cpu.ts';
import { commits, createDatabase } from './database.ts';
import {
  platformWorkerSpec,
  publishBacklog,
  startWorker,
  timeoutFor,
  type WorkerStats,
} from './delivery-run.ts';
import { type BenchAccount, MASTER_KEY, PUBLISH_BODY } from './platform-api.ts';
import { progress, sleep } from './progress.ts';
import type { Receiver } from './receiver.ts';
import type { Summary } from './stats.ts';
import { countWrites } from './table-writes.ts';
import { CLAIMS, type StatementTiming } from './timed-db.ts';

export interface WorkersRun {
  processes: number;
  /** Attempts in flight per process (BOOKFLOW_WORKER_CONCURRENCY). */
  slots: number;
  deliveries: number;
  rate: number;
  /** µs per delivery: all worker processes together, and the run database's backends. */
  cpu: { workers: number; postgres: number };
  claimsPer1000: number;
  rowsPerDelivery: number;
  /** Requests the receiver got beyond one per delivery; 200s for a delivery it already had; deliveries it never got. */
  extraRequests: number;
  duplicates: number;
  lost: number;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/** Publishes `events` (worker off), then times `processes` worker-only platforms of `slots` each on that backlog. */
export async function workersOnBacklog(
  receiver: Receiver,
  events: number,
  processes: number,
  slots: number,
): Promise<WorkersRun> {
  const database = await createDatabase('scaleout');
  const load = await startChild('load', {});
  try {
    const published = await publishBacklog(load, database.url, receiver.urls, events);
    await load.stop();
    const deliveries = published.events * receiver.urls.length;
    const spec = platformWorkerSpec(database.url, slots);
    const label = `scale-out: ${processes} worker process${processes > 1 ? 'es' : ''} × ${slots}`;
    progress(`${label}: delivering ${deliveries.toLocaleString('en-US')}`);
    const { result, writes } = await countWrites(database.url, async () => {
      const workers = await Promise.all(range(processes).map(() => startWorker(spec)));
      try {
        await receiver.reset();
        const postgres = await postgresCpuMeter(database.name);
        const t0 = performance.now();
        await Promise.all(workers.map((w) => w.call('start')));
        await receiver.waitForDistinct(deliveries, timeoutFor(deliveries));
        const seconds = (performance.now() - t0) / 1000;
        const postgresMs = await postgres.read();
        const stats = await Promise.all(workers.map((w) => w.call<WorkerStats>('stats')));
        return { seconds, postgresMs, stats };
      } finally {
        await Promise.all(workers.map((w) => w.stop()));
      }
    });
    // Read once every worker has stopped, so a late second send is counted too.
    const received = await receiver.stats();
    const statements = result.stats.flatMap((s) => (s.statements as StatementTiming[]) ?? []);
    const claims = sum(statements.filter((s) => s.statement === CLAIMS).map((s) => s.count));
    const rows = sum([...writes.values()].map((w) => w.inserted + w.updated));
    const rate = deliveries / result.seconds;
    progress(`${label}: ${Math.round(rate).toLocaleString('en-US')} deliveries/s`);
    return {
      processes,
      slots,
      deliveries,
      rate,
      cpu: {
        workers: (sum(result.stats.map((s) => s.cpuMs)) * 1000) / deliveries,
        postgres: (result.postgresMs * 1000) / deliveries,
      },
      claimsPer1000: (claims * 1000) / deliveries,
      rowsPerDelivery: rows / deliveries,
      extraRequests: received.requests - received.distinct,
      duplicates: received.duplicates,
      lost: deliveries - received.distinct,
    };
  } finally {
    await load.stop();
    await database.drop();
  }
}

export interface ApiRun {
  processes: number;
  rate: number;
  latency: Summary;
  /** µs per accepted publish: all API processes together, and the run database's backends. */
  cpu: { apis: number; postgres: number };
  /** Transactions committed (reads outside a transaction count too) per 1,000 accepted publishes. */
  commitsPer1000: number;
  failed: number;
}

/** `processes` api-only platforms on a fresh database, loaded at `connections` in flight for `seconds`. */
export async function apisUnderLoad(
  load: Child,
  endpointUrls: string[],
  processes: number,
  connections: number,
  seconds: number,
): Promise<ApiRun> {
  const database = await createDatabase('scaleout_api');
  const spec = { databaseUrl: database.url, masterKeyHex: MASTER_KEY.toString('hex') };
  const apis = await Promise.all(range(processes).map(() => startChild('api', spec)));
  try {
    const urls = await Promise.all(apis.map((a) => a.call<string>('url')));
    const { key } = await apis[0]!.call<BenchAccount>('account', endpointUrls);
    const base = {
      url: `${urls[0]}/v1/events`,
      urls: urls.map((u) => `${u}/v1/events`),
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: PUBLISH_BODY,
    };
    const label = `scale-out: ${processes} API process${processes > 1 ? 'es' : ''}`;
    progress(`${label}: warming up`);
    // Counted from before the warm-up: an idle backend may hold its counters up to 10 s before
    // flushing, so only a count closed by the backends' exit is exact. The warm-up runs at the same
    // concurrency, so its commits per publish are the run's.
    const commitsBefore = await commits(database.name);
    const warm = await load.call<LoadResult>('closed', { ...base, connections, seconds: 2 });
    const cpuBefore = await Promise.all(apis.map((a) => a.call<number>('cpu')));
    const postgres = await postgresCpuMeter(database.name);
    const result = await load.call<LoadResult>('closed', { ...base, connections, seconds });
    const postgresMs = await postgres.read();
    const cpuAfter = await Promise.all(apis.map((a) => a.call<number>('cpu')));
    await Promise.all(apis.map((a) => a.stop()));
    await sleep(500); // exited backends flush their counters
    const committed = (await commits(database.name)) - commitsBefore;
    progress(`${label}: ${Math.round(result.rate).toLocaleString('en-US')} publishes/s`);
    return {
      processes,
      rate: result.rate,
      latency: result.latency,
      cpu: {
        apis: ((sum(cpuAfter) - sum(cpuBefore)) * 1000) / result.ok,
        postgres: (postgresMs * 1000) / result.ok,
      },
      commitsPer1000: (committed * 1000) / (warm.ok + result.ok),
      failed: result.non2xx + result.errors,
    };
  } finally {
    await Promise.all(apis.map((a) => a.stop()));
    await database.drop();
  }
}
