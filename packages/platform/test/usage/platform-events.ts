import type { TrialEndingData, UsageThresholdData } from '@bookflow/events';
import type { Queryable } from '@bookflow/pg';

export interface ThresholdSeen {
  id: string;
  data: UsageThresholdData;
}

export interface TrialNoticeSeen {
  id: string;
  created_at: string;
  data: TrialEndingData;
}

/** The platform's own events of `type` for an account, in the order they were stored. */
export async function platformEvents(
  db: Queryable,
  accountId: string,
  type: 'usage.threshold',
): Promise<ThresholdSeen[]>;
export async function platformEvents(
  db: Queryable,
  accountId: string,
  type: 'trial.ending',
): Promise<TrialNoticeSeen[]>;
export async function platformEvents(db: Queryable, accountId: string, type: string) {
  const { rows } = await db.query<{ body: string }>(
    `select body from events where account_id = $1 and type = $2 and source = 'platform' order by created_at, id`,
    [accountId, type],
  );
  return rows.map((r) => JSON.parse(r.body));
}
