// Benchmark 9: scale-out. 1, 2, 4… worker processes on one PostgreSQL database, then
// the same for API processes. On a 2-core machine more processes cannot add CPU: what the tables
// show is what coordinating through the database costs per delivery and per publish.
import { loadavg } from 'node:os';
import { startChild } from '../support/child-process.ts';
import type { BenchContext } from '../support/context.ts';
import { warmReceiver } from '../support/delivery-run.ts';
import { startReceiver } from '../support/receiver.ts';
import { type ApiRun, apisUnderLoad, type WorkersRun, workersOnBacklog } from '../support/scaleout-run.ts';
import { ms, num, type Table } from '../support/table.ts';

/** The load generator's requests in flight, as the bench's publish loops use. */
const IN_FLIGHT = 64;

const load1 = () => loadavg()[0]!.toFixed(2);

function workersRow(run: WorkersRun): string[] {
  return [
    `${run.processes} × ${num(run.slots)} (${num(run.processes * run.slots)} in flight)`,
    num(run.rate),
    num(run.cpu.workers),
    num(run.cpu.postgres),
    num(run.claimsPer1000, 1),
    num(run.rowsPerDelivery, 2),
    num(run.extraRequests),
    `${num(run.duplicates)} / ${num(run.lost)}`,
  ];
}

async function workersTable(ctx: BenchContext, endpoints: number, events: number): Promise<Table> {
  const concurrency = ctx.args.concurrency;
  const receiver = await startReceiver(endpoints);
  const rows: string[][] = [];
  const loadStart = load1();
  try {
    await warmReceiver(receiver, events, concurrency);
    for (const n of ctx.args.scaleoutProcesses) {
      // Split: the same attempts in flight in all, so only the number of processes changes.
      // Full: each process as deployed with the default, as adding replicas does in practice.
      const slots = n === 1 ? [concurrency] : [Math.ceil(concurrency / n), concurrency];
      for (const s of slots) rows.push(workersRow(await workersOnBacklog(receiver, events, n, s)));
    }
  } finally {
    await receiver.stop();
  }
  const deliveries = events * endpoints;
  return {
    title: `9a. Scale-out, worker processes: ${num(events)} events × ${endpoints} endpoint${endpoints > 1 ? 's' : ''} = ${num(deliveries)} deliveries (${ctx.postgres})`,
    headers: [
      'processes × attempts in flight each',
      'deliveries/s',
      'worker CPU µs/delivery (sum)',
      'PostgreSQL CPU µs/delivery',
      'claims per 1,000 deliveries',
      'rows written per delivery',
      'extra requests',
      'duplicates / lost',
    ],
    rows,
    notes: [
      `Each run: a fresh database, the backlog published through POST /v1/events (worker off), then N worker-only platforms (own process, own pool) started together and timed until the receiver has every delivery. With N > 1, two rows: ${num(concurrency)}/N attempts in flight each (the same total, so only the process count changes) and ${num(concurrency)} each (replicas as deployed).`,
      'Worker CPU: user + system of all worker processes from their start to the last delivery. PostgreSQL CPU: the run database’s backends (WAL writer and checkpointer not counted). Claims: statements with SKIP LOCKED, all processes. Rows: inserted + updated, pg_stat_user_tables.',
      'Extra requests: requests the receiver got beyond one per delivery (must be 0); duplicates: a 200 for a delivery it already had; lost: deliveries it never got.',
      `Load average (1 min) ${loadStart} at the start of this table, ${load1()} at its end; 2 cores in all, shared with the receiver and PostgreSQL.`,
    ],
  };
}

function apiRow(run: ApiRun): string[] {
  return [
    String(run.processes),
    num(run.rate),
    ms(run.latency.p50),
    ms(run.latency.p99),
    num(run.cpu.apis),
    num(run.cpu.postgres),
    num(run.commitsPer1000, 1),
    num(run.failed),
  ];
}

async function apiTable(ctx: BenchContext): Promise<Table> {
  const receiver = await startReceiver(1);
  const load = await startChild('load', {});
  const rows: string[][] = [];
  const loadStart = load1();
  try {
    for (const n of ctx.args.scaleoutProcesses)
      rows.push(apiRow(await apisUnderLoad(load, receiver.urls, n, IN_FLIGHT, ctx.args.seconds)));
  } finally {
    await load.stop();
    await receiver.stop();
  }
  return {
    title: `9b. Scale-out, API processes: POST /v1/events at ${IN_FLIGHT} in flight (${ctx.postgres})`,
    headers: [
      'API processes',
      'publishes/s',
      'p50',
      'p99',
      'API CPU µs/publish (sum)',
      'PostgreSQL CPU µs/publish',
      'transactions per 1,000 publishes',
      'non-2xx / errors',
    ],
    rows,
    notes: [
      `Each run: a fresh database with one subscribed endpoint (each publish writes the event and one delivery row; no worker), N api-only platforms in their own processes, the load generator's ${IN_FLIGHT} connections spread round-robin over their ports (autocannon), 2 s warm-up, then ${ctx.args.seconds} s measured.`,
      'API CPU: user + system of all API processes during the measured loop. Transactions: pg_stat_database.xact_commit of the run database over warm-up and loop (a read outside a transaction counts as one), per publish accepted: each process group-commits only its own share of the requests in flight.',
      `Load average (1 min) ${loadStart} at the start of this table, ${load1()} at its end.`,
    ],
  };
}

export async function scaleoutBench(ctx: BenchContext): Promise<Table[]> {
  const tables = [await workersTable(ctx, 1, ctx.args.events)];
  if (ctx.args.endpoints > 1) tables.push(await workersTable(ctx, ctx.args.endpoints, ctx.args.fanoutEvents));
  tables.push(await apiTable(ctx));
  return tables;
}
