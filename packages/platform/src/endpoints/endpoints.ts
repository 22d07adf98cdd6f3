import type { SchemaVersion } from '@bookflow/events';
import type { Db, Queryable } from '@bookflow/pg';
import { notifyWorkers } from '../delivery/queue/notify-workers.ts';
import { isPrefixedId, prefixedId } from '../ids/ids.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import { type EndpointLimits, setEndpointLimits } from './limits.ts';
import { addSecret } from './secrets.ts';
import { type VersionMismatch, versionMismatch } from './versions.ts';

export interface Endpoint {
  id: string;
  account_id: string;
  url: string;
  description: string | null;
  event_types: string[];
  /** The schema version its deliveries are converted to (see delivery/worker/versioned-body.ts). */
  schema_version: SchemaVersion;
  status: 'enabled' | 'disabled';
  rate_limit: number | null;
  max_concurrency: number | null;
  failing_since: Date | null;
  disabled_reason: string | null;
  disabled_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = `id, account_id, url, description, event_types, schema_version, status, disabled_reason,
  disabled_at, rate_limit, max_concurrency, failing_since, created_at, updated_at`;

export type CreateEndpointResult =
  | { ok: true; endpoint: Endpoint & { secret: string } }
  /** The account already has `limit` endpoints (deleted ones do not count). */
  | { ok: false; reason: 'limit_reached'; limit: number }
  /** A subscribed type does not exist in the endpoint's schema version. */
  | VersionMismatch;

/**
 * Creates the endpoint and its first secret together; the secret is returned in clear this once.
 * The account row is locked first, so concurrent creations of one account are counted one after
 * the other and can never together pass `maxPerAccount`.
 */
export async function createEndpoint(
  db: Db,
  box: SecretBox,
  accountId: string,
  input: {
    url: string;
    event_types: string[];
    description?: string | null;
    /** Omitted: the account's default version. */
    schema_version?: SchemaVersion;
  } & Partial<EndpointLimits>,
  maxPerAccount: number,
): Promise<CreateEndpointResult> {
  return db.transaction(async (tx): Promise<CreateEndpointResult> => {
    const { rows: account } = await tx.query<{ default_schema_version: SchemaVersion }>(
      'select default_schema_version from accounts where id = $1 for update',
      [accountId],
    );
    const version = input.schema_version ?? account[0]!.default_schema_version;
    const mismatch = versionMismatch(version, input.event_types);
    if (mismatch) return mismatch;
    const { rows: counted } = await tx.query<{ n: number }>(
      'select count(*)::int as n from endpoints where account_id = $1 and deleted_at is null',
      [accountId],
    );
    if ((counted[0]?.n ?? 0) >= maxPerAccount) {
      return { ok: false, reason: 'limit_reached', limit: maxPerAccount } as const;
    }
    const { rows } = await tx.query<Endpoint>(
      `insert into endpoints (id, account_id, url, description, event_types, rate_limit, max_concurrency, schema_version)
       values ($1, $2, $3, $4, $5, $6, $7, $8) returning ${COLUMNS}`,
      [
        prefixedId('ep'),
        accountId,
        input.url,
        input.description ?? null,
        input.event_types,
        input.rate_limit ?? null,
        input.max_concurrency ?? null,
        version,
      ],
    );
    const endpoint = rows[0]!;
    return { ok: true, endpoint: { ...endpoint, secret: await addSecret(tx, box, endpoint.id) } } as const;
  });
}

/** Another account's endpoint is simply not found: callers answer 404 and learn nothing. */
export async function getEndpoint(db: Queryable, accountId: string, id: string): Promise<Endpoint | null> {
  if (!isPrefixedId(id, 'ep')) return null;
  const { rows } = await db.query<Endpoint>(
    `select ${COLUMNS} from endpoints where id = $1 and account_id = $2 and deleted_at is null`,
    [id, accountId],
  );
  return rows[0] ?? null;
}

/** Keyset pagination, oldest first: `after` is the (created_at, id) of the last row of the previous page. */
export async function listEndpoints(
  db: Queryable,
  accountId: string,
  page: { limit: number; after?: { createdAt: Date; id: string } },
): Promise<Endpoint[]> {
  const params: unknown[] = [accountId, page.limit];
  let cursor = '';
  if (page.after) {
    // Compared with the row the cursor names: the cursor's time has milliseconds only, PostgreSQL
    // microseconds, so comparing with it would repeat or skip rows created within one millisecond.
    params.push(page.after.id);
    cursor = ` and (created_at, id) > (select c.created_at, c.id from endpoints c where c.id = $3 and c.account_id = $1)`;
  }
  const { rows } = await db.query<Endpoint>(
    `select ${COLUMNS} from endpoints where account_id = $1 and deleted_at is null${cursor}
      order by created_at, id limit $2`,
    params,
  );
  return rows;
}

export interface EndpointPatch extends Partial<EndpointLimits> {
  url?: string;
  event_types?: string[];
  description?: string | null;
  enabled?: boolean;
  /** Upgrading (or moving back) is a PATCH; deliveries not yet sent go out in the new version. */
  schema_version?: SchemaVersion;
}

export type UpdateEndpointResult =
  | { ok: true; endpoint: Endpoint }
  | { ok: false; reason: 'not_found' }
  | VersionMismatch;

/**
 * Applies a patch. Disabling holds the endpoint's waiting deliveries; enabling releases held ones
 * (in creation order, as due now), all in the same transaction as the status change.
 */
export async function updateEndpoint(
  db: Db,
  accountId: string,
  id: string,
  patch: EndpointPatch,
): Promise<UpdateEndpointResult> {
  return db.transaction(async (tx): Promise<UpdateEndpointResult> => {
    const current = await getEndpoint(tx, accountId, id);
    if (!current) return { ok: false, reason: 'not_found' };
    const version = patch.schema_version ?? current.schema_version;
    const mismatch = versionMismatch(version, patch.event_types ?? current.event_types);
    if (mismatch) return mismatch;
    await tx.query(
      `update endpoints set url = $3, event_types = $4, description = $5, schema_version = $6, updated_at = now()
       where id = $1 and account_id = $2`,
      [
        id,
        accountId,
        patch.url ?? current.url,
        patch.event_types ?? current.event_types,
        patch.description === undefined ? current.description : patch.description,
        version,
      ],
    );
    if (patch.rate_limit !== undefined || patch.max_concurrency !== undefined) {
      await setEndpointLimits(tx, accountId, id, {
        rate_limit: patch.rate_limit,
        max_concurrency: patch.max_concurrency,
      });
    }
    if (patch.enabled === true && current.status === 'disabled') await enableEndpoint(tx, id);
    if (patch.enabled === false && current.status === 'enabled') await disableEndpoint(tx, id, 'manual');
    return { ok: true, endpoint: (await getEndpoint(tx, accountId, id))! };
  });
}

/**
 * Why an endpoint was disabled, as stored in `disabled_reason`: by its owner, by the platform after a
 * 410 Gone, or by the platform after failing too long ('deleted' is set by deleteEndpoint alone).
 */
export type DisableReason = 'manual' | 'gone_410' | 'failing';

/** Marks the endpoint disabled and holds its pending deliveries; nothing is dropped. */
export async function disableEndpoint(tx: Queryable, id: string, reason: DisableReason): Promise<void> {
  await tx.query(
    `update endpoints set status = 'disabled', disabled_reason = $2, disabled_at = now(), updated_at = now()
     where id = $1 and deleted_at is null`,
    [id, reason],
  );
  await tx.query(
    `update deliveries set status = 'held', updated_at = now() where endpoint_id = $1 and status = 'pending'`,
    [id],
  );
}

async function enableEndpoint(tx: Queryable, id: string): Promise<void> {
  // failing_since restarts: an endpoint enabled again gets the full period before it is auto-disabled.
  await tx.query(
    `update endpoints set status = 'enabled', disabled_reason = null, disabled_at = null, failing_since = null,
            updated_at = now()
     where id = $1`,
    [id],
  );
  // Due now; the claim query orders by (next_attempt_at, created_at), so they go out in creation order.
  await tx.query(
    `update deliveries set status = 'pending', next_attempt_at = now(), updated_at = now()
     where endpoint_id = $1 and status = 'held'`,
    [id],
  );
  await notifyWorkers(tx);
}

/**
 * Soft delete: the endpoint stops receiving; its delivery history stays queryable. Its waiting
 * deliveries end dead ('endpoint_deleted') here; those in flight end the same way when their
 * attempt is recorded (queue/complete.ts), or when the reaper finds their lease expired
 * (queue/reap.ts). Its secrets expire now, so the retention job deletes them.
 */
export async function deleteEndpoint(db: Db, accountId: string, id: string): Promise<boolean> {
  if (!isPrefixedId(id, 'ep')) return false;
  return db.transaction(async (tx) => {
    const { rowCount } = await tx.query(
      `update endpoints set deleted_at = now(), status = 'disabled', disabled_reason = 'deleted', updated_at = now()
       where id = $1 and account_id = $2 and deleted_at is null`,
      [id, accountId],
    );
    if (rowCount === 0) return false;
    await tx.query(
      `update deliveries set status = 'dead', dead_at = now(), dead_reason = 'endpoint_deleted',
              last_error = 'endpoint deleted', updated_at = now()
       where endpoint_id = $1 and status in ('pending', 'held')`,
      [id],
    );
    await tx.query(
      `update endpoint_secrets set expires_at = now()
       where endpoint_id = $1 and (expires_at is null or expires_at > now())`,
      [id],
    );
    return true;
  });
}
