import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sampleData } from '@bookflow/events';
import { afterEach, describe, expect, it } from 'vitest';
import { claimDue } from '../../src/delivery/queue/claim.ts';
import {
  BACKENDS,
  countByStatus,
  openTestDatabase,
  POSTGRES_URL,
  type TestDatabase,
} from '../support/databases.ts';
import { eventually, TEST_MASTER_KEY_HEX, testPlatform } from '../support/platform.ts';
import { startReceiver, type TestReceiver } from '../support/receiver.ts';

const WORKER_SCRIPT = fileURLToPath(new URL('../support/worker-process.ts', import.meta.url));

describe.each(BACKENDS)('a worker that dies holding leases (%s)', (backend) => {
  let database: TestDatabase;
  let receiver: TestReceiver;
  let t: Awaited<ReturnType<typeof testPlatform>> | null = null;

  afterEach(async () => {
    await t?.platform.stop();
    await receiver?.close();
    await database?.close();
  });

  it('loses nothing: the reaper returns its deliveries and every event is delivered', async () => {
    database = await openTestDatabase(backend);
    receiver = await startReceiver();
    // An API-only platform first, so nothing is claimed while we set up.
    const api = await testPlatform(database.db, { roles: ['api'] });
    const account = await api.createAccount();
    await api.createEndpoint(account.api_key, receiver.url);
    for (let i = 0; i < 20; i++)
      await api.publish(account.api_key, 'meeting.booked', sampleData('meeting.booked', { seed: i }));
    await api.platform.stop();

    // A worker claims a batch and vanishes without recording anything.
    const claimed = await claimDue(database.db, { limit: 15, leaseMs: 300, workerId: 'crashed-worker' });
    expect(claimed).toHaveLength(15);
    expect(await countByStatus(database.db)).toEqual({ delivering: 15, pending: 5 });

    t = await testPlatform(database.db, { reaperIntervalMs: 100 });
    await receiver.waitFor(20);
    await eventually(async () => (await countByStatus(database.db)).succeeded === 20);
    const ids = new Set(receiver.requests.map((r) => r.headers['x-bookflow-event-id']));
    expect(ids.size).toBe(20);
    // Reaped deliveries were never recorded as attempted, so they go out as attempt 1.
    expect(receiver.requests.every((r) => r.headers['x-bookflow-attempt'] === '1')).toBe(true);
  });
});

describe.skipIf(!POSTGRES_URL)('a worker process killed with SIGKILL mid-batch (postgres)', () => {
  let database: TestDatabase;
  let receiver: TestReceiver;
  let child: ChildProcess | null = null;
  let t: Awaited<ReturnType<typeof testPlatform>> | null = null;

  afterEach(async () => {
    child?.kill('SIGKILL');
    await t?.platform.stop();
    await receiver?.close();
    await database?.close();
  });

  it('every event is delivered after a second worker takes over', async () => {
    database = await openTestDatabase('postgres');
    // Slow answers so the child is mid-batch when it dies.
    receiver = await startReceiver(() => ({ status: 200 }));
    const api = await testPlatform(database.db, { roles: ['api'] });
    const account = await api.createAccount();
    await api.createEndpoint(account.api_key, receiver.url);
    const slow = await startReceiver(() => ({ status: 200, hang: true }));
    await api.createEndpoint(account.api_key, slow.url, ['call.ended']);
    for (let i = 0; i < 30; i++) {
      await api.publish(account.api_key, 'meeting.booked', sampleData('meeting.booked', { seed: i }));
      await api.publish(account.api_key, 'call.ended', sampleData('call.ended', { seed: i }));
    }
    await api.platform.stop();

    child = spawn(process.execPath, ['--import', 'tsx', WORKER_SCRIPT], {
      env: {
        ...process.env,
        DATABASE_URL: database.url!,
        BOOKFLOW_ALLOW_PRIVATE_DESTINATIONS: 'true',
        BOOKFLOW_MASTER_KEY: TEST_MASTER_KEY_HEX,
        BOOKFLOW_LEASE: '1500ms',
        BOOKFLOW_TIMEOUT: '1000ms',
        BOOKFLOW_WORKER_CONCURRENCY: '40',
        BOOKFLOW_WORKER_BATCH_SIZE: '40',
        LOG_LEVEL: 'silent',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    // Kill it while it holds leases on hanging attempts (and possibly unrecorded fast ones).
    await eventually(async () => ((await countByStatus(database.db)).delivering ?? 0) >= 20, 20_000);
    child.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));
    child = null;

    await slow.close();
    t = await testPlatform(database.db, { reaperIntervalMs: 200, leaseMs: 5_000, totalTimeoutMs: 1_000 });
    await eventually(async () => {
      const counts = await countByStatus(database.db);
      return (counts.succeeded ?? 0) >= 30 && !counts.delivering;
    }, 30_000);
    const ids = new Set(receiver.requests.map((r) => r.headers['x-bookflow-event-id']));
    expect(ids.size).toBe(30);
    // The call.ended deliveries keep retrying (their receiver is gone), so some are in flight at any
    // moment; after a graceful stop nothing may remain leased.
    await t.platform.stop();
    t = null;
    expect((await countByStatus(database.db)).delivering).toBeUndefined();
  });
});
