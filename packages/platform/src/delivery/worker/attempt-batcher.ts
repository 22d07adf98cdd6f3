import { GroupCommit, type Pending } from '../../db/group-commit.ts';

const MAX_BATCH = 500;

/** How one kind of finished attempt is written in batches, and what a refused batch is answered. */
export interface AttemptBatchOptions<T, R> {
  /** Writes the items in one statement; the function it resolves to gives each item's outcome. */
  write(items: T[]): Promise<(item: T) => R>;
  /**
   * Whether an error is the database refusing this statement (db/refusal.ts) rather than being
   * unreachable: only such a batch is answered; any other error fails the batch, as it would fail
   * each row.
   */
  refused(err: unknown): boolean;
  /** The answer for an item the database refused. */
  answer(err: unknown): R;
  /**
   * Split a refused batch in halves and write each again, down to the offending row, so that one
   * bad row does not fail the others (about 2·log2(batch) extra statements per bad row, nothing
   * when no row is bad); false answers the whole refused batch at once.
   */
  isolate: boolean;
}

/**
 * Group commit for finished attempts (db/group-commit.ts), shared by the SuccessBatcher and the
 * FailureBatcher: the attempts that finish while one batch is being written go together in the
 * next statement; a lone attempt is written at once.
 */
export class AttemptBatcher<T, R> {
  private readonly commits: GroupCommit<T, R>;

  constructor(private readonly options: AttemptBatchOptions<T, R>) {
    this.commits = new GroupCommit({
      maxBatch: MAX_BATCH,
      gatherOneTurn: true,
      write: (batch) => this.write(batch),
    });
  }

  record(item: T): Promise<R> {
    return this.commits.submit(item);
  }

  private async write(batch: Pending<T, R>[]): Promise<void> {
    let outcome: (item: T) => R;
    try {
      outcome = await this.options.write(batch.map((b) => b.item));
    } catch (err) {
      if (!this.options.refused(err)) throw err;
      if (batch.length === 1 || !this.options.isolate) {
        for (const b of batch) b.resolve(this.options.answer(err));
        return;
      }
      const half = Math.ceil(batch.length / 2);
      await this.write(batch.slice(0, half));
      await this.write(batch.slice(half));
      return;
    }
    for (const b of batch) b.resolve(outcome(b.item));
  }
}
