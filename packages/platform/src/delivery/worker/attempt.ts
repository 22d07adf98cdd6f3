import { deliveryHeaders } from '@bookflow/events';
import type { Logger } from 'pino';
import { getAccount } from '../../accounts/accounts.ts';
import type { Db } from '../../db/db.ts';
import { disableEndpoint } from '../../endpoints/endpoints.ts';
import { type Metrics, statusClass } from '../../metrics/metrics.ts';
import type { Notifier } from '../../notifications/index.ts';
import type { SecretBox } from '../../secrets/secret-box.ts';
import type { AttemptResult, Sender } from '../http/index.ts';
import type { ClaimedDelivery } from '../queue/claim.ts';
import { markDead, markHeld, markRetry, markSucceeded } from '../queue/complete.ts';
import { insertAttempt } from '../queue/record-attempt.ts';
import { decideAfterFailure, type RetryDecision } from '../retry-policy/index.ts';

export interface AttemptDeps {
  db: Db;
  sender: Sender;
  metrics: Metrics;
  notifier: Notifier;
  logger: Logger;
  workerId: string;
  retryScheduleMs: readonly number[];
  secretBox: SecretBox;
}

/** Makes one attempt of a claimed delivery and records its outcome and the next step atomically. */
export async function attemptDelivery(deps: AttemptDeps, job: ClaimedDelivery): Promise<void> {
  const startedAt = new Date();
  const headers = deliveryHeaders({
    eventId: job.event_id,
    eventType: job.event_type,
    schemaVersion: job.schema_version,
    attempt: job.attempt,
    deliveredAt: startedAt,
    body: job.body,
    secrets: job.secrets.map((sealed) => deps.secretBox.signingKey(sealed, job.endpoint_id)),
  });
  const result = await deps.sender.send({ url: job.url, body: job.body, headers });
  const decision = result.ok
    ? null
    : decideAfterFailure({
        attempt: job.attempt,
        schedule: deps.retryScheduleMs,
        statusCode: result.statusCode,
        retryAfterSeconds: result.retryAfterSeconds,
        now: new Date(),
      });
  const kept = await record(deps, job, startedAt, result, decision);
  observe(deps, job, result, kept);
  if (!kept) return;
  const log = deps.logger.child({
    delivery_id: job.id,
    event_id: job.event_id,
    endpoint_id: job.endpoint_id,
  });
  if (result.ok) {
    log.debug({ attempt: job.attempt, status: result.statusCode }, 'delivered');
    return;
  }
  log.info(
    { attempt: job.attempt, status: result.statusCode, error: result.error?.kind, next: decision?.action },
    'attempt failed',
  );
  if (decision?.action === 'dead_letter') await afterDeadLetter(deps, job, result, log);
  if (decision?.action === 'disable_endpoint') await afterDisable(deps, job, result, log);
}

function errorText(result: AttemptResult): string | null {
  return result.error ? `${result.error.kind}: ${result.error.message}` : null;
}

/** Returns false when the lease was lost (reaped and re-claimed elsewhere): the attempt is then not kept. */
async function record(
  deps: AttemptDeps,
  job: ClaimedDelivery,
  startedAt: Date,
  result: AttemptResult,
  decision: RetryDecision | null,
): Promise<boolean> {
  const base = {
    id: job.id,
    workerId: deps.workerId,
    statusCode: result.statusCode,
    error: errorText(result),
  };
  return deps.db.transaction(async (tx) => {
    let kept: boolean;
    if (decision === null) kept = await markSucceeded(tx, base);
    else if (decision.action === 'retry') kept = await markRetry(tx, { ...base, delayMs: decision.delayMs });
    else if (decision.action === 'dead_letter') kept = await markDead(tx, base);
    else {
      kept = await markHeld(tx, base);
      if (kept) await disableEndpoint(tx, job.endpoint_id, 'gone_410');
    }
    if (kept) await insertAttempt(tx, job, startedAt, result);
    return kept;
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
  const sinceEvent = (Date.now() - job.event_created_at.getTime()) / 1000;
  if (job.attempt === 1 && job.series === 1) m.firstAttemptLatency.observe(sinceEvent);
  if (result.ok && job.series === 1) m.endToEndLatency.observe(sinceEvent);
}

async function afterDeadLetter(deps: AttemptDeps, job: ClaimedDelivery, result: AttemptResult, log: Logger) {
  deps.metrics.deadLettered.inc();
  log.warn({ attempts: job.attempt }, 'dead-lettered');
  const account = await getAccount(deps.db, job.account_id);
  if (!account) return;
  await deps.notifier.deadLetter(channelsOf(account), {
    accountId: job.account_id,
    endpointId: job.endpoint_id,
    endpointUrl: job.url,
    deliveryId: job.id,
    eventId: job.event_id,
    eventType: job.event_type,
    attempts: job.attempt,
    lastError: errorText(result),
    lastStatusCode: result.statusCode,
    deadLetteredAt: new Date(),
  });
}

async function afterDisable(deps: AttemptDeps, job: ClaimedDelivery, result: AttemptResult, log: Logger) {
  log.warn('endpoint answered 410 Gone: disabled, its deliveries are held');
  const account = await getAccount(deps.db, job.account_id);
  if (!account) return;
  await deps.notifier.endpointDisabled(channelsOf(account), {
    accountId: job.account_id,
    endpointId: job.endpoint_id,
    endpointUrl: job.url,
    reason: 'the endpoint answered 410 Gone',
    lastStatusCode: result.statusCode,
    heldDeliveries: await heldCount(deps.db, job.endpoint_id),
    disabledAt: new Date(),
  });
}

function channelsOf(account: { slack_webhook_url: string | null; pagerduty_routing_key: string | null }) {
  return { slackWebhookUrl: account.slack_webhook_url, pagerdutyRoutingKey: account.pagerduty_routing_key };
}

async function heldCount(db: Db, endpointId: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `select count(*)::int as n from deliveries where endpoint_id = $1 and status = 'held'`,
    [endpointId],
  );
  return rows[0]?.n ?? 0;
}
