import type { Queryable } from '@bookflow/pg';
import { decideEndpointHealth, type EndpointHealthDecision } from './decide.ts';

interface EndpointHealthState {
  failing_since: Date | null;
  enabled: boolean;
  /** The database clock, so every worker measures the failure run against the same time. */
  now: Date;
}

/** Read without a lock: most failures change nothing, and those that do re-check under one. */
async function readEndpointHealth(tx: Queryable, endpointId: string): Promise<EndpointHealthState | null> {
  const { rows } = await tx.query<EndpointHealthState>(
    `select failing_since, status = 'enabled' as enabled, now() as now from endpoints where id = $1`,
    [endpointId],
  );
  return rows[0] ?? null;
}

/** Starts the failure run; a concurrent attempt that started it first wins (the earlier time stays). */
export async function markFailingSince(tx: Queryable, endpointId: string): Promise<void> {
  await tx.query(`update endpoints set failing_since = now() where id = $1 and failing_since is null`, [
    endpointId,
  ]);
}

/**
 * Locks the endpoint row and says whether it is still enabled, so two workers that both see the
 * threshold crossed disable it (and notify the account) once.
 */
export async function lockIfEnabled(tx: Queryable, endpointId: string): Promise<boolean> {
  const { rows } = await tx.query<{ enabled: boolean }>(
    `select status = 'enabled' as enabled from endpoints where id = $1 for no key update`,
    [endpointId],
  );
  return rows[0]?.enabled ?? false;
}

/** Reads the endpoint's failure run and decides what the failed attempt being recorded means for it. */
export async function assessFailure(
  tx: Queryable,
  endpointId: string,
  disableAfterMs: number,
): Promise<EndpointHealthDecision> {
  const state = await readEndpointHealth(tx, endpointId);
  if (!state) return { action: 'keep_failing', failingForMs: 0 };
  return decideEndpointHealth({
    succeeded: false,
    failingSince: state.failing_since,
    enabled: state.enabled,
    now: state.now,
    disableAfterMs,
  });
}
