import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { sampleData } from '@bookflow/events';
import { type Db, openPostgres } from '@bookflow/pg';
import { afterEach, describe, expect, it } from 'vitest';
import { claimDue } from '../../src/delivery/queue/claim.ts';
import { setEndpointLimits } from '../../src/endpoints/limits.ts';
import { openTestDatabase, POSTGRES_URL, type TestDatabase } from '../support/databases.ts';
import { testPlatform } from '../support/platform.ts';
import { type HoldingReceiver, maxInWindow, startHoldingReceiver } from './holding-receiver.ts';

const WORKER_SCRIPT = fileURLToPath(new URL('../support/worker-process.ts', import.meta.url));

/** Log lines of one delivered attempt (pino JSON at debug level). */
const countDelivered = (lines: string[]) => lines.filter((l) => l.includes('"msg":"delivered"')).length;

describe.skipIf(!POSTGRES_URL)('limits across worker processes (postgres)', () => {
  let database: TestDatabase;
  const receivers: HoldingReceiver[] = [];
  const pools: Db[] = [];
  const platforms: Array<{ stop(): Promise<void> }> = [];
  let child: ChildProcess | null = null;

  afterEach(async () => {
    child?.kill('SIGKILL');
    await Promise.all(platforms.splice(0).map((p) => p.stop()));
    await Promise.all(pools.splice(0).map((p) => p.close()));
    await Promise.all(receivers.splice(0).map((r) => r.close()));
    await database?.close();
  });

  it('three workers (two pools in this process, one child process) share max_concurrency and the rate', async () => {
    database = await openTestDatabase('postgres');
    const masterKey = randomBytes(32);
    const api = await testPlatform(database.db, { roles: ['api'], masterKey });
    platforms.push(api.platform);
    const held = await startHoldingReceiver({ holdMs: 150 });
    const paced = await startHoldingReceiver();
    receivers.push(held, paced);
    const account = await api.createAccount();
    const heldEp = await api.createEndpoint(account.api_key, held.url, ['meeting.booked']);
    const pacedEp = await api.createEndpoint(account.api_key, paced.url, ['call.ended']);
    await setEndpointLimits(database.db, account.id, heldEp.id, { max_concurrency: 3 });
    await setEndpointLimits(database.db, account.id, pacedEp.id, { rate_limit: 20 });

    const childLines: string[] = [];
    child = spawn(process.execPath, ['--import', 'tsx', WORKER_SCRIPT], {
      env: {
        ...process.env,
        DATABASE_URL: database.url!,
        BOOKFLOW_MASTER_KEY: masterKey.toString('hex'),
        BOOKFLOW_ALLOW_PRIVATE_DESTINATIONS: 'true',
        BOOKFLOW_POLL_INTERVAL: '100ms',
        LOG_LEVEL: 'debug',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      child!.once('exit', (code) => reject(new Error(`worker process exited with ${code}`)));
      child!.stdout!.on('data', (chunk: Buffer) => {
        const text = chunk.toString('utf8');
        childLines.push(...text.split('\n').filter(Boolean));
        if (text.includes('worker-ready')) resolve();
      });
    });

    const workers = [];
    for (let i = 0; i < 2; i++) {
      const pool = await openPostgres({ connectionString: database.url!, max: 5 });
      pools.push(pool);
      const w = await testPlatform(pool, { roles: ['worker'], masterKey });
      platforms.push(w.platform);
      workers.push(w);
    }

    // Published with all three running, so every NOTIFY sets them racing for the same rows.
    for (let i = 0; i < 40; i++) {
      if (i < 30)
        await api.publish(account.api_key, 'meeting.booked', sampleData('meeting.booked', { seed: i }));
      await api.publish(account.api_key, 'call.ended', sampleData('call.ended', { seed: i }));
    }

    await Promise.all([held.waitFor(30), paced.waitFor(40)]);
    const times = paced.requests.map((r) => r.at);
    const spanMs = Math.max(...times) - Math.min(...times);
    const delivered = [...workers.map((w) => countDelivered(w.logs.lines)), countDelivered(childLines)];
    console.log(
      `[endpoint-health] 3 workers: max in flight ${held.maxOpen} (limit 3); rate 20/s: 40 over ${spanMs} ms, ` +
        `busiest second ${maxInWindow(times, 1_000)}; attempts per worker so far ${delivered.join('/')}`,
    );
    expect(held.maxOpen).toBeLessThanOrEqual(3);
    expect(maxInWindow(times, 1_000)).toBeLessThanOrEqual(22);
    expect(spanMs).toBeGreaterThanOrEqual(39 * 50 - 100);
    expect(new Set(held.requests.map((r) => r.eventId)).size).toBe(30);
    expect(new Set(paced.requests.map((r) => r.eventId)).size).toBe(40);
    expect(held.requests).toHaveLength(30);
    expect(paced.requests).toHaveLength(40);
    // More than one process did the work.
    expect(delivered.filter((n) => n > 0).length).toBeGreaterThanOrEqual(2);
  });

  it('claims racing from ten connections never overshoot max_concurrency or hand out a slot twice', async () => {
    database = await openTestDatabase('postgres');
    const api = await testPlatform(database.db, { roles: ['api'] });
    platforms.push(api.platform);
    const account = await api.createAccount();
    const concurrent = await api.createEndpoint(account.api_key, 'http://127.0.0.1:9/a', ['meeting.booked']);
    const paced = await api.createEndpoint(account.api_key, 'http://127.0.0.1:9/b', ['call.ended']);
    await setEndpointLimits(database.db, account.id, concurrent.id, { max_concurrency: 3 });
    await setEndpointLimits(database.db, account.id, paced.id, { rate_limit: 20 });
    for (let i = 0; i < 60; i++) {
      await api.publish(account.api_key, 'meeting.booked', sampleData('meeting.booked', { seed: i }));
      await api.publish(account.api_key, 'call.ended', sampleData('call.ended', { seed: i }));
    }
    const claimers = await Promise.all(
      Array.from({ length: 10 }, () => openPostgres({ connectionString: database.url!, max: 2 })),
    );
    pools.push(...claimers);
    // Every claimer asks for 10 at once; a one-second horizon allows 21 slots at 20/s.
    const batches = await Promise.all(
      claimers.map((db, i) =>
        claimDue(db, { limit: 10, leaseMs: 60_000, workerId: `racer-${i}`, rateHorizonMs: 1_000 }),
      ),
    );
    const claimed = batches.flat();
    const toConcurrent = claimed.filter((c) => c.endpointId === concurrent.id);
    const toPaced = claimed.filter((c) => c.endpointId === paced.id);
    expect(toConcurrent).toHaveLength(3);
    expect(toPaced.length).toBeLessThanOrEqual(21);
    expect(toPaced.length).toBeGreaterThan(0);
    const { rows } = await database.db.query<{ endpoint_id: string; n: number }>(
      `select endpoint_id, count(*)::int as n from deliveries where status = 'delivering' group by endpoint_id`,
    );
    expect(Object.fromEntries(rows.map((r) => [r.endpoint_id, r.n]))).toEqual({
      [concurrent.id]: 3,
      [paced.id]: toPaced.length,
    });
    // Slots are unique and 50 ms apart, whichever connection got them: each lease runs from its
    // slot, so the leases (database clock) show the slots.
    const leases = await database.db.query<{ at: Date }>(
      `select lease_expires_at as at from deliveries where endpoint_id = $1 and status = 'delivering'
        order by lease_expires_at`,
      [paced.id],
    );
    const slots = leases.rows.map((r) => r.at.getTime());
    for (let i = 1; i < slots.length; i++)
      expect(Math.abs(slots[i]! - slots[i - 1]! - 50)).toBeLessThanOrEqual(1);
    // A second round: the concurrency limit is full, and the rate slots of the next second are not due yet.
    const again = (
      await Promise.all(claimers.map((db) => claimDue(db, { limit: 10, leaseMs: 60_000, workerId: 'late' })))
    ).flat();
    expect(again.filter((c) => c.endpointId === concurrent.id)).toHaveLength(0);
  });
});
