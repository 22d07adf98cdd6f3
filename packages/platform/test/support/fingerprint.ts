import type { Queryable } from '@bookflow/pg';

const TABLES = [
  'accounts',
  'api_keys',
  'endpoints',
  'endpoint_secrets',
  'events',
  'deliveries',
  'delivery_attempts',
];

/** A digest of every row of every table, to assert that a refused request wrote nothing. */
export async function fingerprint(db: Queryable): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of TABLES) {
    // last_used_at changes on authentication and the bulk replay counters on every bulk replay, by
    // design; they are bookkeeping, not data the request wrote.
    const row =
      table === 'api_keys'
        ? `(t.id, t.key_hash, t.revoked_at, t.name)::text`
        : table === 'accounts'
          ? `(t.id, t.name, t.slack_webhook_url, t.pagerduty_routing_key, t.created_at)::text`
          : 't::text';
    const { rows } = await db.query<{ digest: string }>(
      `select count(*) || ':' || md5(coalesce(string_agg(${row}, ',' order by ${row}), '')) as digest from ${table} t`,
    );
    out[table] = rows[0]!.digest;
  }
  return out;
}
