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
 * Rotation: the current secret (and any older one still overlapping) stops signing after
 * `overlapMs`; a new current secret signs from now on. During the overlap every delivery carries
 * one signature per active secret, so receivers holding either one verify it.
 */
export async function rotateSecret(
  tx: Queryable,
  box: SecretBox,
  endpointId: string,
  overlapMs: number,
): Promise<{ secret: string; previousExpiresAt: Date }> {
  const { rows } = await tx.query<{ expires_at: Date }>(
    `update endpoint_secrets
        set expires_at = least(coalesce(expires_at, 'infinity'), now() + make_interval(secs => $2::double precision / 1000))
      where endpoint_id = $1 and (expires_at is null or expires_at > now())
      returning expires_at`,
    [endpointId, overlapMs],
  );
  const secret = await addSecret(tx, box, endpointId);
  return { secret, previousExpiresAt: rows[0]?.expires_at ?? new Date() };
}
