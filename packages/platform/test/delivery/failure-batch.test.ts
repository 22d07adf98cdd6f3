import { sampleData } from '@bookflow/events';
import type { Queryable } from '@bookflow/pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assessFailure, markFailingSince } from '../../src/delivery/endpoint-health/index.ts';
import type { AttemptFailed } from '../../src/delivery/http/index.ts';
import { lastErrorText } from '../../src/delivery/queue/attempt-row.ts';
import { claimDue } from '../../src/delivery/queue/claim.ts';
import type { ClaimedDelivery } from '../../src/delivery/queue/claimed-delivery.ts';
import { markRetry } from '../../src/delivery/queue/complete.ts';
import { insertAttempt } from '../../src/delivery/queue/record-attempt.ts';
import { decideAfterFailure } from '../../src/delivery/retry-policy/index.ts';
import { FailureBatcher } from '../../src/delivery/worker/failure-batcher.ts';
import { BACKENDS, openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { testPlatform } from '../support/platform.ts';

const WORKER = 'batch-worker';
const DAY_MS = 86_400_000;
const SCHEDULE = [1_000, 2_000];

/** Failed answers of several kinds: a body kept, a Retry-After honoured, no answer at all. */
function failure(i: number): AttemptFailed {
  const base = { durationMs: 12.4 + i, responseTruncated: false, retryAfterSeconds: null } as const;
  const kinds: AttemptFailed[] = [
    {
      ...base,
      ok: false,
      statusCode: 500,
      responseBody: `{"error":"down ${i}"}`,
      responseBodyEncoding: 'utf8',
      responseContentType: 'application/json',
      error: { kind: 'http_status', message: 'HTTP 500' },
    },
    {
      ...base,
      ok: false,
      statusCode: 503,
      retryAfterSeconds: 120,
      responseBody: null,
      responseBodyEncoding: null,
      responseContentType: null,
      error: { kind: 'http_status', message: 'HTTP 503' },
    },
    {
      ...base,
      ok: false,
      statusCode: null,
      responseBody: null,
      responseBodyEncoding: null,
      responseContentType: null,
      error: { kind: 'timeout', message: 'no answer within 2000 ms' },
    },
  ];
  return kinds[i % kinds.length]!;
}

function delayFor(job: ClaimedDelivery, result: AttemptFailed): number {
  const decision = decideAfterFailure({
    attempt: job.attempt,
    schedule: SCHEDULE,
    statusCode: result.statusCode,
    retryAfterSeconds: result.retryAfterSeconds,
    now: new Date(),
  });
  if (decision.action !== 'retry') throw new Error('the test expects plain retries');
  return decision.delayMs;
}

/** The single path of worker/attempt.ts for a plain retry, one transaction per failure. */
async function recordOneByOne(
  db: TestDatabase['db'],
  job: ClaimedDelivery,
  startedAt: Date,
  result: AttemptFailed,
) {
  await db.transaction(async (tx) => {
    const health = await assessFailure(tx, job.endpointId, DAY_MS);
    const done = await markRetry(tx, {
      id: job.id,
      workerId: WORKER,
      statusCode: result.statusCode,
      error: lastErrorText(result),
      delayMs: delayFor(job, result),
    });
    if (!done) return;
    if (done.dead_reason !== 'endpoint_deleted' && health.action === 'start_failing')
      await markFailingSince(tx, job.endpointId);
    await insertAttempt(tx, job, startedAt, result);
  });
}

/** What each delivery and its attempt look like, without ids and clock readings. */
async function snapshot(db: Queryable, deliveryId: string) {
  const { rows: d } = await db.query(
    `select status, attempt_count, last_status_code, last_error, dead_reason, leased_by, lease_expires_at,
            dead_at is not null as has_dead_at,
            round(extract(epoch from next_attempt_at - updated_at) * 1000)::int as delay_ms
       from deliveries where id = $1`,
    [deliveryId],
  );
  const { rows: a } = await db.query(
    `select series, attempt_number, trigger, duration_ms, outcome, status_code, error_kind, error,
            response_body, response_body_encoding, response_content_type, response_truncated
       from delivery_attempts where delivery_id = $1`,
    [deliveryId],
  );
  return { delivery: d[0], attempts: a };
}

describe.each(BACKENDS)('failures recorded in batches (%s)', (backend) => {
  let database: TestDatabase;
  let jobs: ClaimedDelivery[];
  /** Endpoint id → its name: 'batch-N' or its twin 'single-N', set up alike. */
  let names: Map<string, string>;

  beforeEach(async () => {
    database = await openTestDatabase(backend);
    const api = await testPlatform(database.db, { roles: ['api'] });
    const account = await api.createAccount();
    names = new Map();
    for (const path of ['batch', 'single'])
      for (let n = 1; n <= 4; n++) {
        const ep = await api.createEndpoint(account.api_key, `http://127.0.0.1:9/${path}-${n}`);
        names.set(ep.id, `${path}-${n}`);
      }
    for (let i = 0; i < 3; i++)
      await api.publish(account.api_key, 'meeting.booked', sampleData('meeting.booked', { seed: i }));
    await api.platform.stop();
    jobs = await claimDue(database.db, { limit: 100, leaseMs: 60_000, workerId: WORKER });
    expect(jobs).toHaveLength(24);
    // 1: no failure run yet; 2: failing for a minute; 3: disabled meanwhile; 4: deleted meanwhile.
    const named = (n: number) => [...names].filter(([, name]) => name.endsWith(`-${n}`)).map(([id]) => id);
    const db = database.db;
    await db.query(`update endpoints set failing_since = now() - interval '1 minute' where id = any($1)`, [
      named(2),
    ]);
    await db.query(`update endpoints set status = 'disabled', failing_since = now() where id = any($1)`, [
      named(3),
    ]);
    await db.query(`update endpoints set deleted_at = now() where id = any($1)`, [named(4)]);
  });

  afterEach(async () => {
    await database.close();
  });

  const pathOf = (job: ClaimedDelivery) => names.get(job.endpointId)!.split('-')[0];

  it('a batch from several endpoints gives the same rows as recording one by one', async () => {
    const startedAt = new Date('2026-01-02T03:04:05.678Z');
    // Twins (same event, endpoints of the same number) get the same answer.
    const events = [...new Set(jobs.map((j) => j.eventId))];
    const answer = (job: ClaimedDelivery) =>
      failure(events.indexOf(job.eventId) + Number(names.get(job.endpointId)!.split('-')[1]));
    const failed = new Map(jobs.map((job) => [job.id, answer(job)]));
    const batcher = new FailureBatcher(database.db, WORKER, DAY_MS);
    const writes = jobs
      .filter((job) => pathOf(job) === 'batch')
      .map((job) => {
        const result = failed.get(job.id)!;
        return batcher.record({ job, startedAt, result, delayMs: delayFor(job, result) });
      });
    const outcomes = await Promise.all(writes);
    for (const job of jobs.filter((j) => pathOf(j) === 'single'))
      await recordOneByOne(database.db, job, startedAt, failed.get(job.id)!);

    const deleted = (job: ClaimedDelivery) => names.get(job.endpointId)!.endsWith('-4');
    const batched = jobs.filter((j) => pathOf(j) === 'batch');
    expect(outcomes).toEqual(
      batched.map((job) => ({ kind: 'recorded', next: deleted(job) ? 'endpoint_deleted' : 'retry' })),
    );
    // Pair each batched delivery with its twin: same event, the twin endpoint, the same answer.
    for (const job of batched) {
      const twinName = names.get(job.endpointId)!.replace('batch', 'single');
      const twin = jobs.find((j) => j.eventId === job.eventId && names.get(j.endpointId) === twinName)!;
      expect(failed.get(twin.id)).toEqual(failed.get(job.id));
      expect(await snapshot(database.db, job.id)).toEqual(await snapshot(database.db, twin.id));
    }
    const { rows } = await database.db.query<{ id: string; failing: boolean; kept_old: boolean }>(
      `select id, failing_since is not null as failing, failing_since < now() - interval '30 seconds' as kept_old
         from endpoints`,
    );
    const health = new Map(rows.map((r) => [names.get(r.id)!, { failing: r.failing, keptOld: r.kept_old }]));
    for (let n = 1; n <= 4; n++) expect(health.get(`batch-${n}`)).toEqual(health.get(`single-${n}`));
    expect(health.get('batch-1')).toEqual({ failing: true, keptOld: false });
    expect(health.get('batch-2')).toEqual({ failing: true, keptOld: true });
    expect(health.get('batch-4')).toEqual({ failing: false, keptOld: null });
  });

  it('a lost lease inside a batch affects only that row', async () => {
    const batched = jobs.filter((j) => pathOf(j) === 'batch' && !names.get(j.endpointId)!.endsWith('-4'));
    const lost = batched[3]!;
    await database.db.query(`update deliveries set leased_by = 'another-worker' where id = $1`, [lost.id]);
    const batcher = new FailureBatcher(database.db, WORKER, DAY_MS);
    const startedAt = new Date();
    const outcomes = await Promise.all(
      batched.map((job) => batcher.record({ job, startedAt, result: failure(0), delayMs: 1_000 })),
    );
    expect(outcomes.map((o) => o.kind)).toEqual(batched.map((j) => (j === lost ? 'lease_lost' : 'recorded')));
    const { rows } = await database.db.query<{ id: string; status: string; n: number }>(
      `select d.id, d.status, count(a.id)::int as n from deliveries d
         left join delivery_attempts a on a.delivery_id = d.id where d.id = any($1) group by d.id, d.status`,
      [batched.map((j) => j.id)],
    );
    for (const r of rows) {
      if (r.id === lost.id) expect(r).toMatchObject({ status: 'delivering', n: 0 });
      else expect(r.n).toBe(1);
    }
  });

  it('a failure that might disable its endpoint is left to the single path', async () => {
    const [old, fresh] = ['batch-1', 'batch-2'].map(
      (name) => jobs.find((j) => names.get(j.endpointId) === name)!,
    );
    await database.db.query(`update endpoints set failing_since = now() - interval '2 days' where id = $1`, [
      old!.endpointId,
    ]);
    const batcher = new FailureBatcher(database.db, WORKER, DAY_MS);
    const startedAt = new Date();
    const outcomes = await Promise.all(
      [old!, fresh!].map((job) => batcher.record({ job, startedAt, result: failure(0), delayMs: 1_000 })),
    );
    expect(outcomes).toEqual([{ kind: 'single' }, { kind: 'recorded', next: 'retry' }]);
    expect((await snapshot(database.db, old!.id)).delivery).toMatchObject({
      status: 'delivering',
      leased_by: WORKER,
    });
  });
});
