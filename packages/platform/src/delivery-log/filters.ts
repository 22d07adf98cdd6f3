/** Filters shared by GET /v1/deliveries and POST /v1/deliveries/replay. */
export interface DeliveryFilter {
  status?: 'pending' | 'delivering' | 'succeeded' | 'dead' | 'held';
  endpoint_id?: string;
  event_type?: string;
  since?: string;
  until?: string;
}

/**
 * Builds the WHERE clause, always scoped to the account, values only as parameters. `since` and
 * `until` bound the delivery's creation time (the event's acceptance), half-open [since, until).
 */
export function whereClause(
  accountId: string,
  filter: DeliveryFilter,
  alias = 'd',
): { sql: string; params: unknown[] } {
  const params: unknown[] = [accountId];
  const parts = [`${alias}.account_id = $1`];
  const add = (column: string, op: string, value: unknown) => {
    params.push(value);
    parts.push(`${alias}.${column} ${op} $${params.length}`);
  };
  if (filter.status) add('status', '=', filter.status);
  if (filter.endpoint_id) add('endpoint_id', '=', filter.endpoint_id);
  if (filter.event_type) add('event_type', '=', filter.event_type);
  if (filter.since) add('created_at', '>=', new Date(filter.since));
  if (filter.until) add('created_at', '<', new Date(filter.until));
  return { sql: parts.join(' and '), params };
}
