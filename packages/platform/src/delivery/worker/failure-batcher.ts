import type { Queryable } from '@bookflow/pg';
import { isRowRefusal } from '../../db/refusal.ts';
import { type Retry, recordRetries } from '../queue/record-retries.ts';
import { AttemptBatcher } from './attempt-batcher.ts';

/** Deadlock and serialization failure: the statement rolled back whole and may be written again. */
const CONFLICTS: ReadonlySet<string> = new Set(['40P01', '40001']);

/**
 * What became of one plain retry: recorded (its delivery 'retry', or 'endpoint_deleted' when the
 * endpoint was deleted while the attempt was in flight); not kept because the lease had been lost;
 * or 'single': not written, the caller records it on the single path of worker/attempt.ts.
 */
export type RetryOutcome =
  | { kind: 'recorded'; next: 'retry' | 'endpoint_deleted' }
  | { kind: 'lease_lost' }
  | { kind: 'single' };

/**
 * Group commit for failed attempts that end in a plain retry (attempt-batcher.ts), as the
 * SuccessBatcher does for successes: with 20 % of attempts failing, one transaction of five
 * statements per failure was what kept a retry-heavy run at about half the speed of a clean one.
 *
 * Whatever this path cannot decide or write goes back to the single path, which already knows how:
 * a failure that might disable its endpoint (record-retries.ts), and a batch the database refused
 * whole, for a row's content (db/refusal.ts: the single path stores it as an unrecordable attempt)
 * or for a deadlock with another writer. Any other error (the database unreachable) fails the
 * batch, as it would fail each row.
 */
export class FailureBatcher extends AttemptBatcher<Retry, RetryOutcome> {
  constructor(db: Queryable, workerId: string, disableAfterMs: number) {
    super({
      write: async (items) => {
        const written = await recordRetries(db, workerId, disableAfterMs, items);
        return (item) => outcome(written, item.job.id);
      },
      refused: (err) => isRowRefusal(err) || CONFLICTS.has((err as { code?: string } | null)?.code ?? ''),
      answer: () => ({ kind: 'single' }),
      isolate: false,
    });
  }
}

function outcome(written: Awaited<ReturnType<typeof recordRetries>>, id: string): RetryOutcome {
  const done = written.done.get(id);
  if (done)
    return { kind: 'recorded', next: done.deadReason === 'endpoint_deleted' ? 'endpoint_deleted' : 'retry' };
  return written.deferred.has(id) ? { kind: 'single' } : { kind: 'lease_lost' };
}
