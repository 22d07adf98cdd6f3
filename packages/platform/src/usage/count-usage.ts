import type { CallEndedData } from '@bookflow/events';
import type { Queryable } from '@bookflow/pg';
import type { PreparedEvent } from '../events/outbox.ts';
import { emitPlatformEvent, platformEvent } from '../platform-events/emit.ts';
import { billableMinutes, type Period, periodAt, thresholdsReached, type UsageThreshold } from './period.ts';

/** One stored call.ended, as usage counts it. */
export interface CallUsage {
  accountId: string;
  durationSeconds: number;
  /** When the event was published: it counts in the period that contains this instant. */
  at: Date;
}

/** The call.ended events among `events` that were inserted (a repeated Idempotency-Key counts once). */
export function usageOf(events: PreparedEvent[], inserted: Map<string, number>): CallUsage[] {
  return events
    .filter((e) => e.input.type === 'call.ended' && inserted.has(e.id))
    .map((e) => ({
      accountId: e.input.accountId,
      durationSeconds: (e.input.data as CallEndedData).duration_seconds,
      at: e.createdAt,
    }));
}

interface PlanRow {
  plan_name: string | null;
  plan_minutes_included: number | null;
  plan_period_start: Date | null;
  plan_period_end: Date | null;
  counts_usage: boolean;
}

/**
 * Adds the calls' minutes to their accounts' current period and emits usage.threshold for every
 * threshold first reached, in the caller's transaction (the one that stores the events).
 *
 * Exactly once across API processes: the account row is locked (FOR NO KEY UPDATE, which does not
 * conflict with the key-share locks the event inserts hold, so two publishes cannot deadlock), so
 * the publishes of one account are counted one after the other; and usage_thresholds' primary key
 * refuses a second row for a threshold of a period. Accounts are locked in id order.
 */
export async function countUsage(tx: Queryable, calls: CallUsage[]): Promise<void> {
  const byAccount = new Map<string, CallUsage[]>();
  for (const call of calls) byAccount.set(call.accountId, [...(byAccount.get(call.accountId) ?? []), call]);
  for (const accountId of [...byAccount.keys()].sort()) {
    await countAccount(tx, accountId, byAccount.get(accountId)!);
  }
}

async function countAccount(tx: Queryable, accountId: string, calls: CallUsage[]): Promise<void> {
  const { rows } = await tx.query<PlanRow>(
    `select plan_name, plan_minutes_included, plan_period_start, plan_period_end, counts_usage
       from accounts where id = $1 for no key update`,
    [accountId],
  );
  const plan = rows[0];
  // No plan, nothing to measure against; a sandbox account's calls are not billable.
  if (!plan?.counts_usage || plan.plan_name === null) return;
  let period: Period = { start: plan.plan_period_start!, end: plan.plan_period_end! };
  for (const call of calls) {
    const current = periodAt(period, call.at);
    if (current.start.getTime() !== period.start.getTime()) {
      await tx.query('update accounts set plan_period_start = $2, plan_period_end = $3 where id = $1', [
        accountId,
        current.start,
        current.end,
      ]);
      period = current;
    }
    const minutesUsed = await addMinutes(tx, accountId, period, billableMinutes(call.durationSeconds));
    const reached = thresholdsReached(minutesUsed, plan.plan_minutes_included!);
    for (const percent of reached) {
      await emitThresholdOnce(tx, accountId, { plan, period, minutesUsed, percent });
    }
  }
}

async function addMinutes(
  tx: Queryable,
  accountId: string,
  period: Period,
  minutes: number,
): Promise<number> {
  const { rows } = await tx.query<{ minutes_used: string }>(
    `insert into usage_periods (account_id, period_start, period_end, minutes_used, calls)
     values ($1, $2, $3, $4, 1)
     on conflict (account_id, period_start)
       do update set minutes_used = usage_periods.minutes_used + excluded.minutes_used,
                     calls = usage_periods.calls + 1
     returning minutes_used`,
    [accountId, period.start, period.end, minutes],
  );
  return Number(rows[0]!.minutes_used);
}

async function emitThresholdOnce(
  tx: Queryable,
  accountId: string,
  at: { plan: PlanRow; period: Period; minutesUsed: number; percent: UsageThreshold },
): Promise<void> {
  const event = platformEvent(accountId, 'usage.threshold', {
    threshold_percent: at.percent,
    minutes_used: at.minutesUsed,
    minutes_included: at.plan.plan_minutes_included!,
    plan: at.plan.plan_name!,
    period_start: at.period.start.toISOString(),
    period_end: at.period.end.toISOString(),
  });
  const { rowCount } = await tx.query(
    `insert into usage_thresholds (account_id, period_start, threshold_percent, event_id)
     values ($1, $2, $3, $4) on conflict do nothing`,
    [accountId, at.period.start, at.percent, event.id],
  );
  if (rowCount === 1) await emitPlatformEvent(tx, event);
}
