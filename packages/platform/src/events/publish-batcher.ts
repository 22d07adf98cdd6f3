import type { Queryable } from '@bookflow/pg';
import { type PublishInput, type PublishResult, publishEvents } from './publish.ts';
import { refusalOf } from './refusal.ts';

const MAX_BATCH = 500;

interface Waiting {
  input: PublishInput;
  resolve: (result: PublishResult) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit for publishes. Each commit waits for the WAL to reach disk, and that wait, not CPU,
 * bounds one-statement-per-request publishing (bench/RESULTS.md). While one batch is being
 * committed, the requests arriving meanwhile wait and go together in the next statement. A request
 * is still answered only after its own event is committed; a lone request is written at once.
 */
export class PublishBatcher {
  private pending: Waiting[] = [];
  private writing = false;

  constructor(private readonly db: Queryable) {}

  publish(input: PublishInput): Promise<PublishResult> {
    return new Promise((resolve, reject) => {
      this.pending.push({ input, resolve, reject });
      if (!this.writing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.writing = true;
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0, MAX_BATCH);
        try {
          await this.write(batch);
        } catch (err) {
          // write settles every request itself; should it ever throw, its requests get that error
          // rather than waiting for ever (settling an already settled one changes nothing).
          for (const w of batch) w.reject(err);
        }
      }
    } finally {
      // Whatever happened, the next publish starts a flush again: a batcher left "writing" with
      // no loop running would queue every later request for ever.
      this.writing = false;
    }
  }

  private async write(batch: Waiting[]): Promise<void> {
    let outcomes: PromiseSettledResult<PublishResult>[];
    try {
      outcomes = await publishEvents(
        this.db,
        batch.map((w) => w.input),
      );
    } catch (err) {
      if (batch.length === 1) return refuse(batch[0]!, err);
      // The statement failed as a whole, so nothing of it was committed: write the requests one by
      // one, so that the one the database refuses fails alone and the others commit.
      await Promise.all(batch.map((w) => this.writeOne(w)));
      return;
    }
    for (const [i, w] of batch.entries()) settle(w, outcomes[i]!);
  }

  private async writeOne(w: Waiting): Promise<void> {
    try {
      settle(w, (await publishEvents(this.db, [w.input]))[0]!);
    } catch (err) {
      refuse(w, err);
    }
  }
}

/** A refused row is that request's answer; any other failure of the statement is an error. */
function refuse(w: Waiting, err: unknown): void {
  const refusal = refusalOf(err);
  if (refusal) w.resolve(refusal);
  else w.reject(err);
}

function settle(w: Waiting, outcome: PromiseSettledResult<PublishResult>): void {
  if (outcome.status === 'fulfilled') w.resolve(outcome.value);
  else w.reject(outcome.reason);
}
