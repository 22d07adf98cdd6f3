import type { Queryable } from '@bookflow/pg';

/** Each table's rows of one account, as text, in one query per table. */
const ROWS_OF_ACCOUNT: Record<string, string> = {
  // The bulk replay counters and last_used_at are bookkeeping a request may touch by design.
  accounts: `select (t.id, t.name, t.mode, t.live_account_id, t.slack_webhook_url, t.pagerduty_routing_key)::text as r
               from accounts t where t.id = $1`,
  api_keys:
    'select (t.id, t.key_hash, t.revoked_at, t.name)::text as r from api_keys t where t.account_id = $1',
  endpoints: 'select t::text as r from endpoints t where t.account_id = $1',
  endpoint_secrets: `select t::text as r from endpoint_secrets t
                       where t.endpoint_id in (select id from endpoints where account_id = $1)`,
  events: 'select t::text as r from events t where t.account_id = $1',
  deliveries: 'select t::text as r from deliveries t where t.account_id = $1',
  delivery_attempts: `select t::text as r from delivery_attempts t
                        where t.delivery_id in (select id from deliveries where account_id = $1)`,
};

/** Every row one account (one mode) owns, to assert that a request of the other mode changed none. */
export async function accountFingerprint(
  db: Queryable,
  accountId: string,
): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const [table, sql] of Object.entries(ROWS_OF_ACCOUNT)) {
    const { rows } = await db.query<{ r: string }>(sql, [accountId]);
    out[table] = rows.map((row) => row.r).sort();
  }
  return out;
}
