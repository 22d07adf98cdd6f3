import { sampleData } from '@bookflow/events';
import { afterEach, describe, expect, it } from 'vitest';
import type { PlatformConfig } from '../../src/config/config.ts';
import { setEndpointLimits } from '../../src/endpoints/limits.ts';
import { BACKENDS, openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { eventually, testPlatform } from '../support/platform.ts';
import { startReceiver, type TestReceiver } from '../support/receiver.ts';

const EVENTS = 50;
/** Counts, not speed: on a loaded machine PGlite may take long to get there, and that is fine. */
const SLOW_MACHINE = { timeout: 180_000 };

interface Outcome {
  /** Requests the hanging endpoint had received (all still open) when the fast one had every event. */
  slowOpen: number;
  /** The slow endpoint's deliveries by status at that moment. */
  slowStatus: Record<string, number>;
}

/**
 * One endpoint that never answers (its requests stay open until the test closes it: no timeout can
 * end them during the test), one that answers at once; 50 events to each, published interleaved so
 * the slow ones are always ahead in the queue. Each case counts what the hanging endpoint holds at
 * the moment the fast one has received and recorded all 50: behaviour, not speed.
 */
describe.each(BACKENDS)('a slow endpoint does not hold back a fast one (%s)', (backend) => {
  let database: TestDatabase;
  let t: Awaited<ReturnType<typeof testPlatform>> | null = null;
  const receivers: TestReceiver[] = [];

  afterEach(async () => {
    // Closing the hanging receiver ends its open requests, so the worker can stop.
    await Promise.all(receivers.splice(0).map((r) => r.close()));
    await t?.platform.stop();
    t = null;
    await database.close();
  });

  async function run(overrides: Partial<PlatformConfig>, slowLimits: { max_concurrency?: number } = {}) {
    database = await openTestDatabase(backend);
    t = await testPlatform(database.db, { totalTimeoutMs: 120_000, leaseMs: 180_000, ...overrides });
    const slow = await startReceiver(() => ({ status: 200, hang: true }));
    const fast = await startReceiver(() => ({ status: 200 }));
    receivers.push(slow, fast);
    const account = await t.createAccount();
    const slowEp = await t.createEndpoint(account.api_key, slow.url, ['call.ended']);
    const fastEp = await t.createEndpoint(account.api_key, fast.url, ['meeting.booked']);
    await setEndpointLimits(database.db, account.id, slowEp.id, slowLimits);
    for (let i = 0; i < EVENTS; i++) {
      await t.publish(account.api_key, 'call.ended', sampleData('call.ended', { seed: i }));
      await t.publish(account.api_key, 'meeting.booked', sampleData('meeting.booked', { seed: i }));
    }
    await fast.waitFor(EVENTS, 150_000);
    await eventually(async () => (await statusOf(fastEp.id)).succeeded === EVENTS, 150_000);
    const outcome: Outcome = { slowOpen: slow.requests.length, slowStatus: await statusOf(slowEp.id) };
    return { outcome, slow, slowEpId: slowEp.id };
  }

  async function statusOf(endpointId: string): Promise<Record<string, number>> {
    const { rows } = await database.db.query<{ status: string; n: number }>(
      'select status, count(*)::int as n from deliveries where endpoint_id = $1 group by status',
      [endpointId],
    );
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  }

  it(
    'with the default worker (200 slots), every fast delivery completes while the slow ones are still open',
    SLOW_MACHINE,
    async () => {
      const { outcome } = await run({});
      // Nothing of the slow endpoint ended: all its attempts that started are still open.
      expect(outcome.slowStatus.succeeded ?? 0).toBe(0);
      expect(outcome.slowOpen).toBeLessThanOrEqual(outcome.slowStatus.delivering ?? 0);
    },
  );

  it(
    'with 20 slots and max_concurrency 5 on the slow endpoint, it holds 5 and the fast one gets everything else',
    SLOW_MACHINE,
    async () => {
      const { outcome } = await run({ workerConcurrency: 20 }, { max_concurrency: 5 });
      expect(outcome.slowOpen).toBe(5);
      expect(outcome.slowStatus).toEqual({ delivering: 5, pending: EVENTS - 5 });
    },
  );

  it(
    'with 20 slots and no limit, the hanging endpoint holds only its share of them, never all',
    SLOW_MACHINE,
    async () => {
      const { outcome, slow, slowEpId } = await run({ workerConcurrency: 20 });
      // Its share: the account's 18 of 20 slots (2 reserved for other accounts) less a tenth kept
      // for the account's other endpoints, 16. It reaches it and goes no further.
      await slow.waitFor(16, 150_000);
      expect(outcome.slowStatus.succeeded ?? 0).toBe(0);
      const held = await statusOf(slowEpId);
      expect(slow.requests).toHaveLength(16);
      expect(held).toEqual({ delivering: 16, pending: EVENTS - 16 });
    },
  );
});
