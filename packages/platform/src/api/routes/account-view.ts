// The account as the API shows it: notification settings masked to "configured", dates as ISO
// strings, and, when it reads itself, the current period and its usage.
import type { Db } from '@bookflow/pg';
import type { Account } from '../../accounts/accounts.ts';
import { currentUsage } from '../../accounts/plan.ts';
import { periodAt } from '../../usage/period.ts';

export function present(account: Account) {
  return {
    id: account.id,
    name: account.name,
    notifications: {
      slack_webhook_url: account.slack_webhook_url ? 'configured' : null,
      pagerduty_routing_key: account.pagerduty_routing_key ? 'configured' : null,
    },
    // 'test' when called with a test key: the account's test twin, with its own id and settings.
    mode: account.mode,
    default_schema_version: account.default_schema_version,
    plan:
      account.plan_name === null
        ? null
        : {
            name: account.plan_name,
            minutes_included: account.plan_minutes_included,
            period_start: account.plan_period_start?.toISOString(),
            period_end: account.plan_period_end?.toISOString(),
          },
    trial_ends_at: account.trial_ends_at?.toISOString() ?? null,
    created_at: account.created_at.toISOString(),
  };
}

/** The account as it reads itself: with the current period (rolled over if the stored one has passed) and its usage. */
export async function presentWithUsage(db: Db, account: Account) {
  const base = present(account);
  if (account.plan_period_start === null || account.plan_period_end === null || !base.plan)
    return { ...base, usage: null };
  const period = periodAt({ start: account.plan_period_start, end: account.plan_period_end }, new Date());
  const usage = await currentUsage(db, account.id, period.start);
  return {
    ...base,
    plan: { ...base.plan, period_start: period.start.toISOString(), period_end: period.end.toISOString() },
    usage: { ...usage, counted: account.counts_usage },
  };
}
