/** One item waiting in a group commit, with the promise to settle once it has been written. */
export interface Pending<I, O> {
  item: I;
  resolve: (outcome: O) => void;
  reject: (err: unknown) => void;
}

export interface GroupCommitOptions<I, O> {
  /**
   * Writes one batch in as few statements as it can and settles every item of it. What to do with
   * a row the database refuses is the writer's to decide (each caller sets it apart its own way,
   * so the rest still commit). Should it throw, every item of the batch gets that error.
   */
  write: (batch: Pending<I, O>[]) => Promise<void>;
  /** Most items in one batch. */
  maxBatch: number;
  /**
   * Wait one turn of the event loop before the first batch, so the items submitted in the same
   * turn (attempts ending together) go in it rather than one alone ahead of them.
   */
  gatherOneTurn?: boolean;
}

/**
 * Group commit: each commit waits for the WAL to reach disk, and while one batch is being written,
 * the items arriving meanwhile wait and go together in the next one. Under light load an item is
 * written at once (a batch of one); under heavy load hundreds share one round trip and one commit.
 * No timer adds latency. Each item is answered only after its own write has ended.
 */
export class GroupCommit<I, O> {
  private pending: Pending<I, O>[] = [];
  private writing = false;

  constructor(private readonly options: GroupCommitOptions<I, O>) {}

  submit(item: I): Promise<O> {
    return new Promise((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (!this.writing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.writing = true;
    try {
      if (this.options.gatherOneTurn) await new Promise<void>((r) => setImmediate(r));
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0, this.options.maxBatch);
        try {
          await this.options.write(batch);
        } catch (err) {
          // The writer settles its items itself; should it throw, they get that error rather than
          // waiting for ever (settling an already settled one changes nothing).
          for (const p of batch) p.reject(err);
        }
      }
    } finally {
      // Whatever happened, the next submit starts a flush again: a group commit left "writing"
      // with no loop running would queue every later item for ever.
      this.writing = false;
    }
  }
}
