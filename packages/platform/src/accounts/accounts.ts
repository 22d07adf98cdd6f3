import { SCHEMA_VERSION } from '@bookflow/events';
import { type Db, type Queryable, queryOne } from '@bookflow/pg';
import { prefixedId } from '../ids/ids.ts';
import { generateApiKey } from './api-keys.ts';

export interface Account {
  id: string;
  name: string;
  slack_webhook_url: string | null;
  pagerduty_routing_key: string | null;
  /** The schema version new endpoints are pinned to. */
  default_schema_version: string;
  plan_name: string | null;
  plan_minutes_included: number | null;
  plan_period_start: Date | null;
  plan_period_end: Date | null;
  trial_ends_at: Date | null;
  /** False for accounts whose calls are not billable (sandbox): usage/ skips them. */
  counts_usage: boolean;
  /** 'test' for the test twin of a live account (the sandbox; see sandbox/test-twin.ts). */
  mode: 'live' | 'test';
  /** The live account of a test twin; null for a live account. */
  live_account_id: string | null;
  created_at: Date;
}

export interface NotificationSettings {
  slack_webhook_url?: string | null;
  pagerduty_routing_key?: string | null;
}

/** What an account may start with besides its name: a plan, a trial end, a default schema version. */
export interface AccountStart {
  plan?: { name: string; minutesIncluded: number; start: Date; end: Date } | null;
  trialEndsAt?: Date | null;
  /** Omitted: the newest version. */
  defaultSchemaVersion?: string;
}

export async function createAccount(
  db: Db,
  input: { name: string } & NotificationSettings & AccountStart,
): Promise<{ account: Account; apiKey: string }> {
  const id = prefixedId('acct');
  const key = generateApiKey('live');
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<Account>(
      `insert into accounts (id, name, slack_webhook_url, pagerduty_routing_key, default_schema_version,
         plan_name, plan_minutes_included, plan_period_start, plan_period_end, trial_ends_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning *`,
      [
        id,
        input.name,
        input.slack_webhook_url ?? null,
        input.pagerduty_routing_key ?? null,
        input.defaultSchemaVersion ?? SCHEMA_VERSION,
        input.plan?.name ?? null,
        input.plan?.minutesIncluded ?? null,
        input.plan?.start ?? null,
        input.plan?.end ?? null,
        input.trialEndsAt ?? null,
      ],
    );
    await tx.query('insert into api_keys (id, account_id, key_hash, key_prefix) values ($1, $2, $3, $4)', [
      prefixedId('key'),
      id,
      key.hash,
      key.prefix,
    ]);
    return { account: rows[0]!, apiKey: key.key };
  });
}

export async function getAccount(db: Queryable, id: string): Promise<Account | null> {
  return queryOne<Account>(db, 'select * from accounts where id = $1', [id]);
}

export async function updateNotificationSettings(
  db: Queryable,
  id: string,
  settings: NotificationSettings,
): Promise<Account | null> {
  const { rows } = await db.query<Account>(
    `update accounts set
       slack_webhook_url = case when $2::boolean then $3 else slack_webhook_url end,
       pagerduty_routing_key = case when $4::boolean then $5 else pagerduty_routing_key end
     where id = $1 returning *`,
    [
      id,
      settings.slack_webhook_url !== undefined,
      settings.slack_webhook_url ?? null,
      settings.pagerduty_routing_key !== undefined,
      settings.pagerduty_routing_key ?? null,
    ],
  );
  return rows[0] ?? null;
}
