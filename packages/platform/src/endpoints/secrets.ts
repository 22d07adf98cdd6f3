import { generateSecret } from '@bookflow/events';
import type { Queryable } from '@bookflow/pg';
import type { SecretBox } from '../secrets/secret-box.ts';

/** Creates and stores (sealed) a new current secret for the endpoint; returns it in clear, once. */
export async function addSecret(tx: Queryable, box: SecretBox, endpointId: string): Promise<string> {
  const secret = generateSecret();
  await tx.query('insert into endpoint_secrets (endpoint_id, sealed) values ($1, $2)', [
    endpointId,
    box.seal(secret, endpointId),
  ]);
  return secret;
}

/**
 * Active secrets (the current one and those still in a rotation overlap) an endpoint may have.
 * Every delivery carries one signature per active secret in each signature header (about 48 bytes
 * each), so this keeps those headers under 1 KB, well inside a receiver's header limit.
 */
export const MAX_ACTIVE_SECRETS = 10;

export type RotationResult =
  | { ok: true; secret: string; previousExpiresAt: Date }
  /** As many secrets are active as allowed; `nextExpiry` is when the first one stops signing. */
  | { ok: false; reason: 'too_many_active_secrets'; active: number; nextExpiry: Date | null };

/**
 * Rotation: the current secret (and any older one still overlapping) stops signing after
 * `overlapMs`; a new current secret signs from now on. During the overlap every delivery carries
 * one signature per active secret, so receivers holding either one verify it.
 *
 * A rotation that would make more than MAX_ACTIVE_SECRETS active is refused rather than retiring
 * the oldest early: an early retirement would silently break a receiver still on that secret,
 * while a refusal is seen by the one rotating, who can wait or rotate with no overlap (which
 * retires every previous secret at once, on purpose). The endpoint row is locked so two rotations
 * at once cannot both pass the count.
 */
export async function rotateSecret(
  tx: Queryable,
  box: SecretBox,
  endpointId: string,
  overlapMs: number,
): Promise<RotationResult> {
  await tx.query('select id from endpoints where id = $1 for update', [endpointId]);
  if (overlapMs > 0) {
    const { rows: active } = await tx.query<{ n: number; next_expiry: Date | null }>(
      `select count(*)::int as n, min(expires_at) as next_expiry from endpoint_secrets
        where endpoint_id = $1 and (expires_at is null or expires_at > now())`,
      [endpointId],
    );
    const { n, next_expiry } = active[0]!;
    if (n >= MAX_ACTIVE_SECRETS) {
      return { ok: false, reason: 'too_many_active_secrets', active: n, nextExpiry: next_expiry };
    }
  }
  const { rows } = await tx.query<{ expires_at: Date }>(
    `update endpoint_secrets
        set expires_at = least(coalesce(expires_at, 'infinity'), now() + make_interval(secs => $2::double precision / 1000))
      where endpoint_id = $1 and (expires_at is null or expires_at > now())
      returning expires_at`,
    [endpointId, overlapMs],
  );
  const secret = await addSecret(tx, box, endpointId);
  return { ok: true, secret, previousExpiresAt: rows[0]?.expires_at ?? new Date() };
}
