import type { Queryable } from '@bookflow/pg';
import { GroupCommit, type Pending } from '../../db/group-commit.ts';
import { isRowRefusal, refusalText } from '../../db/refusal.ts';
import { recordSuccesses, type Success } from '../queue/record-successes.ts';

const MAX_BATCH = 500;

/**
 * What became of one success: recorded; not kept because the lease had been lost (reaped and
 * claimed elsewhere); or refused by the database for what the row holds, with the reason. A
 * refused success was not written: the caller records the attempt as failed instead.
 */
export type SuccessOutcome =
  | { kind: 'recorded' }
  | { kind: 'lease_lost' }
  | { kind: 'refused'; reason: string };

type Waiting = Pending<Success, SuccessOutcome>;

/**
 * Group commit for successful attempts (db/group-commit.ts): the successes that finish while one
 * batch is being written go together in the next statement, one round trip for a few hundred
 * instead of four round trips each; a lone success is written at once.
 *
 * One row the database refuses (see db/refusal.ts) must not fail the others: the batch is split
 * in halves and each half written again, down to the offending row, which is answered 'refused'.
 * That costs about 2·log2(batch) extra statements per bad row, and nothing when no row is bad.
 * Any other error (the database unreachable) fails the whole batch, as it would fail each row.
 */
export class SuccessBatcher {
  private readonly commits: GroupCommit<Success, SuccessOutcome>;

  constructor(
    private readonly db: Queryable,
    private readonly workerId: string,
  ) {
    this.commits = new GroupCommit({
      maxBatch: MAX_BATCH,
      gatherOneTurn: true,
      write: (batch) => this.write(batch),
    });
  }

  record(item: Success): Promise<SuccessOutcome> {
    return this.commits.submit(item);
  }

  private async write(batch: Waiting[]): Promise<void> {
    try {
      const kept = await recordSuccesses(
        this.db,
        this.workerId,
        batch.map((b) => b.item),
      );
      for (const b of batch) b.resolve({ kind: kept.has(b.item.job.id) ? 'recorded' : 'lease_lost' });
    } catch (err) {
      if (!isRowRefusal(err)) throw err;
      if (batch.length === 1) {
        batch[0]!.resolve({ kind: 'refused', reason: refusalText(err) });
        return;
      }
      const half = Math.ceil(batch.length / 2);
      await this.write(batch.slice(0, half));
      await this.write(batch.slice(half));
    }
  }
}
