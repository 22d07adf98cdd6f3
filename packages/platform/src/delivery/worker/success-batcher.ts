import type { Queryable } from '@bookflow/pg';
import { isRowRefusal, refusalText } from '../../db/refusal.ts';
import { recordSuccesses, type Success } from '../queue/record-successes.ts';
import { AttemptBatcher } from './attempt-batcher.ts';

/**
 * What became of one success: recorded; not kept because the lease had been lost (reaped and
 * claimed elsewhere); or refused by the database for what the row holds, with the reason. A
 * refused success was not written: the caller records the attempt as failed instead.
 */
export type SuccessOutcome =
  | { kind: 'recorded' }
  | { kind: 'lease_lost' }
  | { kind: 'refused'; reason: string };

/**
 * Group commit for successful attempts (attempt-batcher.ts): one statement for a few hundred
 * instead of four round trips each. One row the database refuses (see db/refusal.ts) must not fail
 * the others, so a refused batch is split down to the offending row, which is answered 'refused'.
 */
export class SuccessBatcher extends AttemptBatcher<Success, SuccessOutcome> {
  constructor(db: Queryable, workerId: string) {
    super({
      write: async (items) => {
        const kept = await recordSuccesses(db, workerId, items);
        return (item) => ({ kind: kept.has(item.job.id) ? 'recorded' : 'lease_lost' });
      },
      refused: isRowRefusal,
      answer: (err) => ({ kind: 'refused', reason: refusalText(err) }),
      isolate: true,
    });
  }
}
