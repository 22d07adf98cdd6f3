import type { Db } from '@bookflow/pg';
import { eraseAccount } from '../../src/accounts/erase.ts';
import type { AttemptFailed, AttemptSucceeded } from '../../src/delivery/http/index.ts';
import { claimDue, NO_LIMITS } from '../../src/delivery/queue/claim.ts';
import { markDead, markHeld, markRetry } from '../../src/delivery/queue/complete.ts';
import { endIfEndpointDeleted } from '../../src/delivery/queue/end-if-endpoint-deleted.ts';
import { extendLeases } from '../../src/delivery/queue/extend-leases.ts';
import { msUntilNextClaimable } from '../../src/delivery/queue/next-due.ts';
import { reapExpiredLeases } from '../../src/delivery/queue/reap.ts';
import { recordRetries } from '../../src/delivery/queue/record-retries.ts';
import { recordSuccesses } from '../../src/delivery/queue/record-successes.ts';
import type { DeliveryFilter } from '../../src/delivery-log/filters.ts';
import { deliveriesOfEvent, getDelivery, listDeliveries } from '../../src/delivery-log/read.ts';
import { replayDelivery, replayMatching } from '../../src/delivery-log/replay.ts';
import { deleteEndpoint, updateEndpoint } from '../../src/endpoints/endpoints.ts';
import { type PublishInput, publishEvents } from '../../src/events/publish.ts';
import { claimForCliEndpoint, releaseToQueue } from '../../src/listen/claim-for-endpoint.ts';
import { attemptsFinished, deliveriesCreated } from '../../src/live-stream/read.ts';
import { createMetrics } from '../../src/metrics/metrics.ts';
import { eraseEvent, purgeExpired } from '../../src/retention/purge.ts';
import { wipeTestData } from '../../src/sandbox/wipe-test-data.ts';
import { accountStats } from '../../src/stats/stats.ts';

/**
 * Every path that reads or writes `deliveries`, called through the platform's own functions on the
 * history seedDeliveryHistory writes (acct_1 with ep_1_1 … ep_1_10; acct_3, small, is acct_2's test
 * twin).
 * `hot` marks the delivery path (claim, record, lease upkeep); the others serve a person (API,
 * dashboard) or an operator job (metrics, retention, erasure).
 */
export interface DeliveriesCase {
  name: string;
  hot: boolean;
  run(db: Db): Promise<unknown>;
  /** Indexes of deliveries the path must read (the ones migration 0012 kept or made for it). */
  uses?: string[];
  /** A statement of this path whose sequential scan is the planner's fair choice, and why. */
  seqScanAllowed?: { statement: RegExp; why: string };
}

const ACCOUNT = 'acct_1';
const WORKER = 'worker-plans';

async function oneId(db: Db, where: string): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `select id from deliveries where ${where} order by created_at desc limit 1`,
  );
  return rows[0]!.id;
}

const succeeded = (): AttemptSucceeded => ({
  ok: true,
  statusCode: 200,
  error: null,
  durationMs: 5,
  responseBody: 'ok',
  responseBodyEncoding: 'utf8',
  responseContentType: 'text/plain',
  responseTruncated: false,
  retryAfterSeconds: null,
});

const failed = (): AttemptFailed => ({
  ok: false,
  statusCode: 500,
  error: { kind: 'http_status', message: 'HTTP 500' },
  durationMs: 5,
  responseBody: null,
  responseBodyEncoding: null,
  responseContentType: null,
  responseTruncated: false,
  retryAfterSeconds: null,
});

/** The index a listing by status walks: the rare statuses have partial indexes of their own. */
const LISTED_THROUGH = {
  pending: 'deliveries_account_waiting',
  delivering: 'deliveries_leased',
  succeeded: 'deliveries_account_created',
  dead: 'deliveries_account_waiting',
  held: 'deliveries_account_waiting',
};

const user = (name: string, run: DeliveriesCase['run']): DeliveriesCase => ({ name, hot: false, run });
const hot = (name: string, run: DeliveriesCase['run']): DeliveriesCase => ({ name, hot: true, run });

export const DELIVERIES_CASES: DeliveriesCase[] = [
  user('list: all', (db) => listDeliveries(db, ACCOUNT, {}, { limit: 50 })),
  user('list: next page', async (db) => {
    const first = await listDeliveries(db, ACCOUNT, {}, { limit: 50 });
    const last = first.at(-1)!;
    return listDeliveries(
      db,
      ACCOUNT,
      {},
      { limit: 50, before: { createdAt: last.created_at, id: last.id } },
    );
  }),
  ...Object.entries(LISTED_THROUGH).map(([status, index]) => ({
    ...user(`list: status ${status}`, (db) =>
      listDeliveries(db, ACCOUNT, { status: status as DeliveryFilter['status'] }, { limit: 50 }),
    ),
    uses: [index],
  })),
  user('list: endpoint', (db) => listDeliveries(db, ACCOUNT, { endpoint_id: 'ep_1_3' }, { limit: 50 })),
  user('list: endpoint + status dead', (db) =>
    listDeliveries(db, ACCOUNT, { endpoint_id: 'ep_1_3', status: 'dead' }, { limit: 50 }),
  ),
  user('list: since/until', (db) =>
    listDeliveries(
      db,
      ACCOUNT,
      { since: new Date(Date.now() - 86_400_000).toISOString(), until: new Date().toISOString() },
      { limit: 50 },
    ),
  ),
  user('get one', async (db) => getDelivery(db, ACCOUNT, await oneId(db, `account_id = '${ACCOUNT}'`))),
  user('deliveries of an event', async (db) => {
    const id = await oneId(db, `account_id = '${ACCOUNT}'`);
    const { rows } = await db.query<{ event_id: string }>('select event_id from deliveries where id = $1', [
      id,
    ]);
    return deliveriesOfEvent(db, ACCOUNT, rows[0]!.event_id);
  }),
  {
    ...user('stats 1h', (db) => accountStats(db, ACCOUNT, { window: '1h' })),
    uses: ['deliveries_account_created', 'deliveries_account_waiting', 'deliveries_endpoint'],
  },
  {
    ...user('stats 24h', (db) => accountStats(db, ACCOUNT, { window: '24h' })),
    seqScanAllowed: {
      statement: /from delivery_attempts a join deliveries d/,
      why:
        'a day of attempts joined to their deliveries: with a month of history that is one in thirty rows, ' +
        'and one hash join over the table is cheaper than a primary-key probe per attempt; no index is missing',
    },
  },
  user('stats 24h, one endpoint', (db) => accountStats(db, ACCOUNT, { window: '24h', endpointId: 'ep_1_3' })),
  user('live stream: deliveries created', (db) =>
    deliveriesCreated(db, ACCOUNT, {}).read((Date.now() - 60_000) * 1000, null, 100),
  ),
  user('live stream: attempts finished', (db) => attemptsFinished(db, ACCOUNT, {}).read(0, null, 100)),
  user('replay one', async (db) =>
    replayDelivery(db, ACCOUNT, await oneId(db, `account_id = '${ACCOUNT}' and status = 'dead'`)),
  ),
  {
    ...user('replay the dead letter', (db) =>
      replayMatching(db, ACCOUNT, {}, { perMinute: 100, maxRows: 100 }),
    ),
    uses: ['deliveries_account_waiting'],
  },
  user('replay succeeded of an endpoint', (db) =>
    replayMatching(
      db,
      ACCOUNT,
      { status: 'succeeded', endpoint_id: 'ep_1_3' },
      { perMinute: 100, maxRows: 100 },
    ),
  ),
  user('disable endpoint (hold)', (db) => updateEndpoint(db, ACCOUNT, 'ep_1_2', { enabled: false })),
  user('enable endpoint (release held)', (db) => updateEndpoint(db, ACCOUNT, 'ep_1_9', { enabled: true })),
  user('delete endpoint', (db) => deleteEndpoint(db, ACCOUNT, 'ep_1_4')),
  user('metrics scrape', (db) => createMetrics(db, { perEndpoint: true }).registry.metrics()),
  user('publish, then its idempotent repeat', async (db) => {
    const input: PublishInput = {
      accountId: ACCOUNT,
      type: 'meeting.booked',
      data: {},
      idempotencyKey: 'plans-1',
    };
    await publishEvents(db, [input]);
    return publishEvents(db, [input]);
  }),
  user('erase one event', async (db) => {
    const id = await oneId(db, `account_id = '${ACCOUNT}' and status = 'pending'`);
    const { rows } = await db.query<{ event_id: string }>('select event_id from deliveries where id = $1', [
      id,
    ]);
    return eraseEvent(db, ACCOUNT, rows[0]!.event_id);
  }),
  user('retention purge', (db) => purgeExpired(db, 7 * 86_400_000)),
  user('wipe test data', (db) => wipeTestData(db, 'acct_2')),
  user('erase a small account', (db) => eraseAccount(db, 'acct_3')),
  hot('next due', (db) => msUntilNextClaimable(db, NO_LIMITS)),
  { ...hot('reap expired leases', (db) => reapExpiredLeases(db)), uses: ['deliveries_leased'] },
  hot('claim, renew, record success / retry / dead / held', async (db) => {
    const claimed = await claimDue(db, { limit: 20, leaseMs: 30_000, workerId: WORKER });
    if (claimed.length < 8) throw new Error(`claimed only ${claimed.length}`);
    await extendLeases(db, { ids: claimed.map((c) => c.id), workerId: WORKER, leaseMs: 30_000 });
    await endIfEndpointDeleted(db, claimed[0]!.id, WORKER);
    const at = new Date();
    await recordSuccesses(
      db,
      WORKER,
      claimed.slice(1, 4).map((job) => ({ job, startedAt: at, result: succeeded() })),
    );
    await recordRetries(
      db,
      WORKER,
      0,
      claimed.slice(4, 6).map((job) => ({ job, startedAt: at, result: failed(), delayMs: 60_000 })),
    );
    const completion = (i: number) => ({
      id: claimed[i]!.id,
      workerId: WORKER,
      statusCode: 500,
      error: 'HTTP 500',
    });
    await markRetry(db, { ...completion(6), delayMs: 1000 });
    await markDead(db, completion(7));
    return claimed.length > 8 ? markHeld(db, completion(8)) : null;
  }),
  hot('listen: claim for a cli endpoint, release', async (db) => {
    await db.query(`update endpoints set kind = 'cli' where id = 'ep_1_5'`);
    const claimed = await claimForCliEndpoint(db, {
      endpointId: 'ep_1_5',
      limit: 5,
      leaseMs: 30_000,
      sessionId: 'session-plans',
    });
    return releaseToQueue(
      db,
      claimed.map((c) => c.id),
      'session-plans',
    );
  }),
];
