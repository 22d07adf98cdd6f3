import type { Queryable } from '@bookflow/pg';
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

interface Waiting {
  item: Success;
  resolve: (outcome: SuccessOutcome) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit for successful attempts: while one batch is being written, the successes that
 * finish meanwhile wait and go together in the next statement. Under light load a success is
 * written at once (a batch of one, one round trip, as before); under heavy load a few hundred
 * share one round trip instead of four round trips each. No timer adds latency.
 *
 * One row the database refuses (see db/refusal.ts) must not fail the others: the batch is split
 * in halves and each half written again, down to the offending row, which is answered 'refused'.
 * That costs about 2·log2(batch) extra statements per bad row, and nothing when no row is bad.
 * Any other error (the database unreachable) fails the whole batch, as it would fail each row.
 */
export class SuccessBatcher {
  private pending: Waiting[] = [];
  private writing = false;

  constructor(
    private readonly db: Queryable,
    private readonly workerId: string,
  ) {}

  record(item: Success): Promise<SuccessOutcome> {
    return new Promise((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (!this.writing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.writing = true;
    // Let the attempts finishing in this turn of the event loop join the batch.
    await new Promise<void>((r) => setImmediate(r));
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, MAX_BATCH);
      try {
        await this.write(batch);
      } catch (err) {
        for (const b of batch) b.reject(err);
      }
    }
    this.writing = false;
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
