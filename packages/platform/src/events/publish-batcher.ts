import type { Queryable } from '@bookflow/pg';
import { type PublishInput, type PublishResult, publishEvents } from './publish.ts';

const MAX_BATCH = 500;

interface Waiting {
  input: PublishInput;
  resolve: (result: PublishResult) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit for publishes. Each commit waits for the WAL to reach disk, and on this kind of
 * machine that wait, not CPU, bounds one-statement-per-request publishing (~1,200/s at
 * concurrency 64, the API process ~45% idle). While one batch is being committed, the requests
 * arriving meanwhile wait and go together in the next statement. A request is still answered
 * only after its own event is committed; a lone request is written at once.
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
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, MAX_BATCH);
      await this.write(batch);
    }
    this.writing = false;
  }

  private async write(batch: Waiting[]): Promise<void> {
    let outcomes: PromiseSettledResult<PublishResult>[];
    try {
      outcomes = await publishEvents(
        this.db,
        batch.map((w) => w.input),
      );
    } catch (err) {
      if (batch.length === 1) return batch[0]!.reject(err);
      // The statement failed as a whole, so nothing of it was committed: retry the requests one by
      // one, so that one request's problem does not become the others' error.
      await Promise.all(batch.map((w) => this.writeOne(w)));
      return;
    }
    for (const [i, w] of batch.entries()) settle(w, outcomes[i]!);
  }

  private async writeOne(w: Waiting): Promise<void> {
    try {
      settle(w, (await publishEvents(this.db, [w.input]))[0]!);
    } catch (err) {
      w.reject(err);
    }
  }
}

function settle(w: Waiting, outcome: PromiseSettledResult<PublishResult>): void {
  if (outcome.status === 'fulfilled') w.resolve(outcome.value);
  else w.reject(outcome.reason);
}
