import { setTimeout as sleep } from 'node:timers/promises';
import { sampleData } from '@bookflow/events';
import { afterEach, describe, expect, it } from 'vitest';
import { insertEvents } from '../support/bulk-events.ts';
import { type CountingReceiver, startCountingReceiver } from '../support/counting-receiver.ts';
import { countByStatus, openTestDatabase, POSTGRES_URL, type TestDatabase } from '../support/databases.ts';
import { eventually, testPlatform } from '../support/platform.ts';
import { faultSeed, seededRandom } from '../support/seeded-random.ts';
import { spawnWorker, type WorkerProcess } from '../support/worker-processes.ts';

// Real worker processes, really killed (SIGKILL: no shutdown hook runs) at random moments of a
// 5,000-event run, then restarted. Needs real PostgreSQL: several processes share one database.
if (!POSTGRES_URL) console.warn('[faults/worker-killed] skipped: needs DATABASE_URL (PostgreSQL)');

const EVENTS = 5_000;
const CONCURRENCY = 20;
const WORKER_ENV = {
  BOOKFLOW_LEASE: '2s',
  BOOKFLOW_TIMEOUT: '1s',
  BOOKFLOW_REAPER_INTERVAL: '300ms',
  BOOKFLOW_POLL_INTERVAL: '200ms',
  BOOKFLOW_WORKER_CONCURRENCY: String(CONCURRENCY),
  BOOKFLOW_WORKER_BATCH_SIZE: String(CONCURRENCY),
};

describe.skipIf(!POSTGRES_URL)('fault: worker processes killed with SIGKILL (postgres)', () => {
  let database: TestDatabase | null = null;
  let receiver: CountingReceiver | null = null;
  const workers: WorkerProcess[] = [];
  const platforms: Array<{ stop(): Promise<void> }> = [];

  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop('SIGKILL')));
    await Promise.all(platforms.splice(0).map((p) => p.stop()));
    await receiver?.close();
    await database?.close();
  });

  it('every one of 5,000 events is delivered; duplicates only from attempts leased at a kill', {
    timeout: 120_000,
  }, async () => {
    const seed = faultSeed();
    const random = seededRandom(seed);
    const kills = 3 + Math.floor(random() * 3);
    const started = performance.now();

    database = await openTestDatabase('postgres');
    // A short hold keeps attempts in flight at every moment, so a kill always interrupts some.
    receiver = await startCountingReceiver({ holdMs: 10 });
    const api = await testPlatform(database.db, { roles: ['api'] });
    platforms.push(api.platform);
    const account = await api.createAccount();
    await api.createEndpoint(account.api_key, receiver.url);
    const ids = await insertEvents(database.db, {
      accountId: account.id,
      type: 'meeting.booked',
      data: sampleData('meeting.booked', { seed: 1 }),
      count: EVENTS,
    });
    expect(ids).toHaveLength(EVENTS);

    // Event ids whose delivery was leased (claimed, outcome not recorded) when a worker died: the
    // only ones that may be sent twice.
    const leasedAtKills = new Set<string>();
    const killLog: string[] = [];
    for (let k = 0; k < kills; k++) {
      const worker = spawnWorker(database.url!, WORKER_ENV);
      workers.push(worker);
      await worker.ready;
      const afterMs = 300 + Math.floor(random() * 1_200);
      await sleep(afterMs);
      const openAtKill = receiver.open;
      await worker.stop('SIGKILL');
      const { rows } = await database.db.query<{ event_id: string }>(
        `select event_id::text as event_id from deliveries where status = 'delivering'`,
      );
      for (const r of rows) leasedAtKills.add(r.event_id);
      killLog.push(
        `kill ${k + 1} at +${afterMs} ms: ${receiver.distinct} delivered so far, ${rows.length} leased, ${openAtKill} open at the receiver`,
      );
    }

    const last = spawnWorker(database.url!, WORKER_ENV);
    workers.push(last);
    await last.ready;
    await eventually(async () => {
      const counts = await countByStatus(database!.db);
      return counts.succeeded === EVENTS;
    }, 60_000);

    const duplicated = [...receiver.perEvent].filter(([, n]) => n > 1).map(([id]) => id);
    console.log(
      `[faults/worker-killed] seed ${seed} (FAULT_SEED=${seed} replays it), ${kills} kills, ` +
        `concurrency ${CONCURRENCY}\n  ${killLog.join('\n  ')}\n  ` +
        `${receiver.total} requests for ${receiver.distinct} events: ${receiver.duplicates} duplicates ` +
        `(${duplicated.length} events), ${leasedAtKills.size} deliveries leased at the kills, ` +
        `${Math.round(performance.now() - started)} ms`,
    );

    // Every event arrived, and nothing else did.
    expect(receiver.distinct).toBe(EVENTS);
    expect(ids.every((id) => receiver!.perEvent.has(id))).toBe(true);
    // Duplicates are bounded by what the killed workers had in flight, and are exactly those.
    expect(receiver.duplicates).toBeLessThanOrEqual(CONCURRENCY * kills);
    expect(duplicated.filter((id) => !leasedAtKills.has(id))).toEqual([]);
    // Nothing left leased or waiting; each delivery has exactly one recorded attempt, attempt 1:
    // an attempt lost with its worker is not counted against the retry schedule.
    expect(await countByStatus(database.db)).toEqual({ succeeded: EVENTS });
    const { rows: attempts } = await database.db.query<{ n: number; first: number; ok: number }>(
      `select count(*)::int as n, count(*) filter (where attempt_number = 1)::int as first,
              count(*) filter (where outcome = 'succeeded')::int as ok from delivery_attempts`,
    );
    expect(attempts[0]).toEqual({ n: EVENTS, first: EVENTS, ok: EVENTS });
  });
});
