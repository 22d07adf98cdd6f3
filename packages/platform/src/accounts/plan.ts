import type { Queryable } from '@bookflow/pg';
import { addMonths } from '../usage/period.ts';
import type { Account } from './accounts.ts';

/** A plan as the admin API takes it; the period defaults to one month from now. */
export interface PlanInput {
  name: string;
  minutes_included: number;
  period_start?: string;
  period_end?: string;
}

export interface PlanAndTrialPatch {
  /** null removes the plan (usage is then no longer counted). */
  plan?: PlanInput | null;
  /** null clears the trial: no trial.ending is sent. */
  trial_ends_at?: string | null;
  default_schema_version?: string;
}

export type PlanCheck =
  | { ok: true; plan: { name: string; minutesIncluded: number; start: Date; end: Date } | null }
  | { ok: false; reason: 'invalid_plan'; message: string };

/** Resolves the plan's period (default: now to a month later) and checks it runs forwards. */
export function checkPlan(plan: PlanInput | null, now: Date): PlanCheck {
  if (plan === null) return { ok: true, plan: null };
  const start = plan.period_start ? new Date(plan.period_start) : now;
  const end = plan.period_end ? new Date(plan.period_end) : addMonths(start, 1);
  if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) {
    return {
      ok: false,
      reason: 'invalid_plan',
      message: 'period_start and period_end must be ISO 8601 date-times',
    };
  }
  if (end <= start)
    return { ok: false, reason: 'invalid_plan', message: 'period_end must be after period_start' };
  return { ok: true, plan: { name: plan.name, minutesIncluded: plan.minutes_included, start, end } };
}

/**
 * Applies the plan, trial and default version fields that are present (absent ones are kept).
 * Returns null for an unknown account. The trial scheduler (platform-events/trial-ending.ts) reads
 * trial_ends_at on its next pass, so setting, moving or clearing it needs nothing else.
 */
export async function updatePlanAndTrial(
  db: Queryable,
  id: string,
  patch: {
    plan?: Extract<PlanCheck, { ok: true }>['plan'];
    trialEndsAt?: Date | null;
    defaultSchemaVersion?: string;
  },
): Promise<Account | null> {
  const plan = patch.plan;
  const { rows } = await db.query<Account>(
    `update accounts set
       plan_name = case when $2::boolean then $3 else plan_name end,
       plan_minutes_included = case when $2::boolean then $4::int else plan_minutes_included end,
       plan_period_start = case when $2::boolean then $5::timestamptz else plan_period_start end,
       plan_period_end = case when $2::boolean then $6::timestamptz else plan_period_end end,
       trial_ends_at = case when $7::boolean then $8::timestamptz else trial_ends_at end,
       default_schema_version = coalesce($9, default_schema_version)
     where id = $1 returning *`,
    [
      id,
      plan !== undefined,
      plan?.name ?? null,
      plan?.minutesIncluded ?? null,
      plan?.start ?? null,
      plan?.end ?? null,
      patch.trialEndsAt !== undefined,
      patch.trialEndsAt ?? null,
      patch.defaultSchemaVersion ?? null,
    ],
  );
  return rows[0] ?? null;
}

/** The account's usage in the period that starts at `periodStart` (zero when nothing was counted in it). */
export async function currentUsage(
  db: Queryable,
  accountId: string,
  periodStart: Date,
): Promise<{ minutes_used: number; calls: number; thresholds_reached: number[] }> {
  const { rows } = await db.query<{ minutes_used: string; calls: number; thresholds: number[] | null }>(
    `select coalesce((select minutes_used from usage_periods u where u.account_id = $1 and u.period_start = $2), 0) as minutes_used,
            coalesce((select calls from usage_periods u where u.account_id = $1 and u.period_start = $2), 0) as calls,
            (select array_agg(threshold_percent order by threshold_percent) from usage_thresholds t
              where t.account_id = $1 and t.period_start = $2) as thresholds`,
    [accountId, periodStart],
  );
  const row = rows[0]!;
  return {
    minutes_used: Number(row.minutes_used),
    calls: Number(row.calls),
    thresholds_reached: row.thresholds ?? [],
  };
}
