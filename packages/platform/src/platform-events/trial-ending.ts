import type { Db, Queryable } from '@bookflow/pg';
import { emitPlatformEvent, platformEvent } from './emit.ts';

const DAY_MS = 86_400_000;
/** trial.ending goes out this long before the trial ends. */
export const TRIAL_NOTICE_MS = 3 * DAY_MS;
/** Trials announced per pass; the next pass takes the rest. */
const BATCH = 100;

/** Where the scheduler reads the time: the system clock, or a fake one in tests. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** Whole days left, rounded up: 3 at the moment the notice is due, 1 for a trial ending in 5 hours. */
export function daysRemaining(trialEndsAt: Date, now: Date): number {
  return Math.max(0, Math.ceil((trialEndsAt.getTime() - now.getTime()) / DAY_MS));
}

interface DueTrial {
  id: string;
  trial_ends_at: Date;
}

/**
 * Emits trial.ending for every account whose trial ends within 3 days of `now` (and has not ended)
 * and that has not had one for this trial end. Once per (account, trial_ends_at): trial_notices'
 * primary key, written in the transaction that stores the event, refuses a second one, whatever
 * the number of workers and restarts; moving trial_ends_at gives a new key, so it re-arms.
 * Returns how many were emitted.
 */
export async function emitDueTrialNotices(db: Db, now: Date, upgradeUrl: string): Promise<number> {
  const { rows } = await db.query<DueTrial>(
    `select a.id, a.trial_ends_at from accounts a
      where a.trial_ends_at is not null and a.trial_ends_at > $1 and a.trial_ends_at <= $2
        and not exists (select 1 from trial_notices t where t.account_id = a.id and t.trial_ends_at = a.trial_ends_at)
      order by a.trial_ends_at limit $3`,
    [now, new Date(now.getTime() + TRIAL_NOTICE_MS), BATCH],
  );
  let emitted = 0;
  for (const due of rows) {
    if (await db.transaction((tx) => emitOne(tx, due, now, upgradeUrl))) emitted += 1;
  }
  return emitted;
}

async function emitOne(tx: Queryable, due: DueTrial, now: Date, upgradeUrl: string): Promise<boolean> {
  // Read again under a lock: the trial may have moved or been cleared since the scan.
  const { rows } = await tx.query<{ trial_ends_at: Date | null; plan_name: string | null; created_at: Date }>(
    'select trial_ends_at, plan_name, created_at from accounts where id = $1 for no key update',
    [due.id],
  );
  const account = rows[0];
  if (!account?.trial_ends_at || account.trial_ends_at.getTime() !== due.trial_ends_at.getTime())
    return false;
  const trial = await trialFigures(tx, due.id, account.created_at);
  const event = platformEvent(
    due.id,
    'trial.ending',
    {
      trial_ends_at: account.trial_ends_at.toISOString(),
      days_remaining: daysRemaining(account.trial_ends_at, now),
      plan: account.plan_name ?? 'Trial',
      minutes_used: trial.minutes,
      meetings_booked: trial.meetings,
      upgrade_url: upgradeUrl,
    },
    now,
  );
  const { rowCount } = await tx.query(
    `insert into trial_notices (account_id, trial_ends_at, event_id) values ($1, $2, $3) on conflict do nothing`,
    [due.id, account.trial_ends_at, event.id],
  );
  if (rowCount !== 1) return false;
  await emitPlatformEvent(tx, event);
  return true;
}

/** Minutes counted (usage/) and meetings booked since the account, and so its trial, began. */
async function trialFigures(tx: Queryable, accountId: string, since: Date) {
  const { rows } = await tx.query<{ minutes: string; meetings: number }>(
    `select coalesce((select sum(minutes_used) from usage_periods where account_id = $1), 0) as minutes,
            (select count(*)::int from events where account_id = $1 and type = 'meeting.booked'
               and source = 'api' and created_at >= $2) as meetings`,
    [accountId, since],
  );
  return { minutes: Number(rows[0]!.minutes), meetings: rows[0]!.meetings };
}
