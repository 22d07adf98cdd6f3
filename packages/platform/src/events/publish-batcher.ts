import type { Queryable } from '@bookflow/pg';
import { GroupCommit, type Pending } from '../db/group-commit.ts';
import { type PublishInput, type PublishResult, publishEvents } from './publish.ts';
import { refusalOf } from './refusal.ts';

const MAX_BATCH = 500;

type Waiting = Pending<PublishInput, PublishResult>;

/**
 * Group commit for publishes (db/group-commit.ts). The commit's wait for the WAL, not CPU, bounds
 * one-statement-per-request publishing (bench/RESULTS.md), so the requests arriving while one batch
 * is committed go together in the next statement. A request is still answered only after its own
 * event is committed; a lone request is written at once.
 */
export class PublishBatcher {
  private readonly commits: GroupCommit<PublishInput, PublishResult>;

  constructor(private readonly db: Queryable) {
    this.commits = new GroupCommit({ maxBatch: MAX_BATCH, write: (batch) => this.write(batch) });
  }

  publish(input: PublishInput): Promise<PublishResult> {
    return this.commits.submit(input);
  }

  private async write(batch: Waiting[]): Promise<void> {
    let outcomes: PromiseSettledResult<PublishResult>[];
    try {
      outcomes = await publishEvents(
        this.db,
        batch.map((w) => w.item),
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
      settle(w, (await publishEvents(this.db, [w.item]))[0]!);
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
