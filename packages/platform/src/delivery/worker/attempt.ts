import { deliveryHeaders } from '@bookflow/events';
import type { Db } from '@bookflow/pg';
import type { Logger } from 'pino';
import { isRowRefusal, refusalText } from '../../db/refusal.ts';
import { disableEndpoint } from '../../endpoints/endpoints.ts';
import { type Metrics, statusClass } from '../../metrics/metrics.ts';
import type { SecretBox } from '../../secrets/secret-box.ts';
import { traceAttempt } from '../../tracing/delivery-spans.ts';
import {
  assessFailure,
  type EndpointHealthDecision,
  lockIfEnabled,
  markFailingSince,
} from '../endpoint-health/index.ts';
import type { AttemptFailed, AttemptResult, Sender } from '../http/index.ts';
import { lastErrorText } from '../queue/attempt-row.ts';
import type { ClaimedDelivery } from '../queue/claimed-delivery.ts';
import { type Completed, markDead, markHeld, markRetry } from '../queue/complete.ts';
import type { DeliveryEnd, DisableCause, OnDeliveryEnded } from '../queue/delivery-ended.ts';
import { endIfEndpointDeleted } from '../queue/end-if-endpoint-deleted.ts';
import { insertAttempt } from '../queue/record-attempt.ts';
import { decideAfterFailure, type RetryDecision } from '../retry-policy/index.ts';
import type { FailureBatcher } from './failure-batcher.ts';
import type { SuccessBatcher } from './success-batcher.ts';
import { bodyForEndpoint } from './versioned-body.ts';

export interface AttemptDeps {
  db: Db;
  sender: Sender;
  metrics: Metrics;
  /** Hears of a delivery dead-lettered or an endpoint disabled, once recorded (the account's notices). */
  onEnded: OnDeliveryEnded;
  logger: Logger;
  workerId: string;
  retryScheduleMs: readonly number[];
  secretBox: SecretBox;
  /** An endpoint whose every attempt has failed for this long is disabled (0 = never). */
  endpointDisableAfterMs: number;
  /** Writes successes in batches (group commit). */
  successes: SuccessBatcher;
  /** Writes the failures that end in a plain retry in batches (group commit). */
  failures: FailureBatcher;
}

/** What recording the attempt did; null when the lease was lost and the attempt was not kept. */
type Recorded =
  | { next: 'delivered' | 'retry' | 'dead_letter' | 'held_gone' | 'endpoint_deleted' }
  /** The endpoint has failed every attempt for too long: disabled, this delivery held with the rest. */
  | { next: 'held_failing'; failingForMs: number };

/**
 * Makes one attempt of a claimed delivery and records its outcome and the next step atomically,
 * in a span of its event's trace when tracing is on (the request then carries a `traceparent`).
 */
export async function attemptDelivery(deps: AttemptDeps, job: ClaimedDelivery): Promise<void> {
  await traceAttempt(job, (traceparent) => attemptOnce(deps, job, traceparent));
}

/** The attempt; what the receiver answered, or null when the endpoint was deleted meanwhile. */
async function attemptOnce(
  deps: AttemptDeps,
  job: ClaimedDelivery,
  traceparent: string | null,
): Promise<AttemptResult | null> {
  if (job.sendInMs > 0 && (await endIfEndpointDeleted(deps.db, job.id, deps.workerId))) return null;
  const startedAt = new Date();
  // In the endpoint's schema version; the signature covers these bytes.
  const { body, schemaVersion } = bodyForEndpoint(job);
  const headers = deliveryHeaders({
    eventId: job.eventId,
    eventType: job.eventType,
    schemaVersion,
    attempt: job.attempt,
    deliveredAt: startedAt,
    body,
    secrets: job.secrets.map((sealed) => deps.secretBox.signingKey(sealed, job.endpointId)),
  });
  // Not signed (the signature covers id, timestamp and body), so receivers that ignore it lose nothing.
  if (traceparent) headers.traceparent = traceparent;
  const sent = await deps.sender.send({ url: job.url, body, headers });
  const { result, recorded } = await recordOutcome(deps, job, startedAt, sent);
  observe(deps, job, result, recorded !== null);
  if (!recorded) return result;
  const ids = { delivery_id: job.id, event_id: job.eventId, endpoint_id: job.endpointId };
  if (result.ok) {
    // The common case: no child logger or log object built unless debug logging is on.
    if (deps.logger.isLevelEnabled('debug'))
      deps.logger.debug({ ...ids, attempt: job.attempt, status: result.statusCode }, 'delivered');
    return result;
  }
  const log = deps.logger.child(ids);
  log.info(
    { attempt: job.attempt, status: result.statusCode, error: result.error.kind, next: recorded.next },
    'attempt failed',
  );
  if (recorded.next === 'dead_letter') {
    deps.metrics.deadLettered.inc();
    log.warn({ attempts: job.attempt }, 'dead-lettered');
    await reportEnd(deps, job, result, { kind: 'dead_letter' });
  }
  if (recorded.next === 'held_gone') {
    log.warn('endpoint answered 410 Gone: disabled, its deliveries are held');
    await reportEnd(deps, job, result, { kind: 'endpoint_disabled', cause: { reason: 'gone_410' } });
  }
  if (recorded.next === 'held_failing') {
    log.warn(
      { failing_for_ms: recorded.failingForMs },
      'endpoint failing too long: disabled, its deliveries are held',
    );
    const limitMs = deps.endpointDisableAfterMs;
    const cause: DisableCause = { reason: 'failing', failingForMs: recorded.failingForMs, limitMs };
    await reportEnd(deps, job, result, { kind: 'endpoint_disabled', cause });
  }
  return result;
}

/**
 * Records the attempt, and returns the result as it was recorded. Whatever the database refuses
 * to store (db/refusal.ts), the attempt is still recorded, as a failure without the receiver's
 * body, and it consumes its attempt number: a delivery whose record failed would otherwise be
 * reaped and sent again under the same number, for ever.
 */
async function recordOutcome(
  deps: AttemptDeps,
  job: ClaimedDelivery,
  startedAt: Date,
  sent: AttemptResult,
): Promise<{ result: AttemptResult; recorded: Recorded | null }> {
  let result: AttemptFailed;
  if (sent.ok) {
    const outcome = await deps.successes.record({ job, startedAt, result: sent });
    if (outcome.kind === 'recorded') return { result: sent, recorded: { next: 'delivered' } };
    if (outcome.kind === 'lease_lost') return { result: sent, recorded: null };
    result = unrecordable(sent, outcome.reason);
  } else {
    result = sent;
    const batched = await recordRetryBatched(deps, job, startedAt, result);
    if (batched !== undefined) return { result, recorded: batched };
  }
  try {
    return { result, recorded: await record(deps, job, startedAt, result) };
  } catch (err) {
    if (!isRowRefusal(err) || result.error.kind === 'unrecordable_response') throw err;
    result = unrecordable(result, refusalText(err));
    return { result, recorded: await record(deps, job, startedAt, result) };
  }
}

/** The attempt as it can be stored when the database refused it as received: a failure, body dropped. */
function unrecordable(result: AttemptResult, reason: string): AttemptFailed {
  const answer = result.statusCode === null ? 'no answer' : `HTTP ${result.statusCode}`;
  const before = result.error ? ` (${result.error.kind})` : '';
  return {
    ...result,
    ok: false,
    responseBody: null,
    responseBodyEncoding: null,
    responseContentType: null,
    responseTruncated: false,
    error: {
      kind: 'unrecordable_response',
      message: `${answer}${before}, but the database refused to store the attempt as received, so it counts as failed: ${reason}`,
    },
  };
}

/**
 * The common failure, a plain retry, through the FailureBatcher: the same rows as record() gives.
 * Undefined when it must take the single path (any other decision, or the batch deferred it).
 */
async function recordRetryBatched(
  deps: AttemptDeps,
  job: ClaimedDelivery,
  startedAt: Date,
  result: AttemptFailed,
): Promise<Recorded | null | undefined> {
  const decision = decide(deps, job, result);
  if (decision.action !== 'retry') return undefined;
  const outcome = await deps.failures.record({ job, startedAt, result, delayMs: decision.delayMs });
  if (outcome.kind === 'recorded') return { next: outcome.next };
  return outcome.kind === 'lease_lost' ? null : undefined;
}

function decide(deps: AttemptDeps, job: ClaimedDelivery, result: AttemptFailed): RetryDecision {
  return decideAfterFailure({
    attempt: job.attempt,
    schedule: deps.retryScheduleMs,
    statusCode: result.statusCode,
    retryAfterSeconds: result.retryAfterSeconds,
    now: new Date(),
  });
}

/**
 * Records a failed attempt, the delivery's next step and the endpoint's health in one transaction
 * (successes go through the SuccessBatcher, most plain retries through the FailureBatcher). Returns null when the lease was lost (reaped and
 * re-claimed elsewhere): the attempt is then not kept. A failure may start a failure run, or,
 * when every attempt has failed for `endpointDisableAfterMs`, disable the endpoint: this delivery
 * is then held rather than retried or dead-lettered, so it goes out in order with the others when
 * the endpoint is enabled again. If the endpoint was deleted while the attempt was in flight, the
 * delivery ends dead ('endpoint_deleted') whatever the decision (queue/complete.ts).
 */
async function record(
  deps: AttemptDeps,
  job: ClaimedDelivery,
  startedAt: Date,
  result: AttemptFailed,
): Promise<Recorded | null> {
  const decision = decide(deps, job, result);
  const base = {
    id: job.id,
    workerId: deps.workerId,
    statusCode: result.statusCode,
    error: lastErrorText(result),
  };
  const deleted = (done: Completed) => done?.dead_reason === 'endpoint_deleted';
  return deps.db.transaction(async (tx) => {
    const health: EndpointHealthDecision | null =
      decision.action === 'disable_endpoint'
        ? null
        : await assessFailure(tx, job.endpointId, deps.endpointDisableAfterMs);
    let recorded: Recorded | null = null;
    let done: Completed = null;
    if (decision.action === 'disable_endpoint') {
      done = await markHeld(tx, base);
      if (done?.status === 'held') await disableEndpoint(tx, job.endpointId, 'gone_410');
      if (done) recorded = { next: 'held_gone' };
    } else if (health?.action === 'disable' && (await lockIfEnabled(tx, job.endpointId))) {
      done = await markHeld(tx, base);
      if (done?.status === 'held') await disableEndpoint(tx, job.endpointId, 'failing');
      if (done) recorded = { next: 'held_failing', failingForMs: health.failingForMs };
    } else if (decision.action === 'retry') {
      done = await markRetry(tx, { ...base, delayMs: decision.delayMs });
      if (done) recorded = { next: 'retry' };
    } else {
      done = await markDead(tx, base);
      if (done) recorded = { next: 'dead_letter' };
    }
    if (!recorded) return null;
    if (deleted(done)) recorded = { next: 'endpoint_deleted' };
    else if (health?.action === 'start_failing') await markFailingSince(tx, job.endpointId);
    await insertAttempt(tx, job, startedAt, result);
    return recorded;
  });
}

function observe(deps: AttemptDeps, job: ClaimedDelivery, result: AttemptResult, kept: boolean): void {
  const m = deps.metrics;
  m.attempts.inc({
    outcome: result.ok ? 'succeeded' : 'failed',
    status_class: statusClass(result.statusCode),
  });
  m.attemptDuration.observe(result.durationMs / 1000);
  if (!kept) return;
  const sinceEvent = (Date.now() - job.eventCreatedAt.getTime()) / 1000;
  if (job.attempt === 1 && job.series === 1) m.firstAttemptLatency.observe(sinceEvent);
  if (result.ok && job.series === 1) m.endToEndLatency.observe(sinceEvent);
}

/** Tells deps.onEnded what this failed attempt ended, once its recording has committed. */
function reportEnd(
  deps: AttemptDeps,
  job: ClaimedDelivery,
  result: AttemptFailed,
  end: DeliveryEnd,
): Promise<void> {
  return deps.onEnded({
    ...end,
    accountId: job.accountId,
    endpointId: job.endpointId,
    endpointUrl: job.url,
    deliveryId: job.id,
    eventId: job.eventId,
    eventType: job.eventType,
    attempts: job.attempt,
    lastError: lastErrorText(result),
    lastStatusCode: result.statusCode,
    at: new Date(),
  });
}
