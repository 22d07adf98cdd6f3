import { GroupCommit, isRowRefusal, type Pending, type Queryable, withRetries } from '@bookflow/pg';
import type { AcceptOutcome, IncomingJob } from '../../jobs/job.ts';
import { acceptJobs } from './sql/accept.ts';

/** Most deliveries in one statement: large enough for any burst one process sees between commits. */
const MAX_BATCH = 500;

type Waiting = Pending<IncomingJob, AcceptOutcome>;

/**
 * Group commit for acknowledgements (GroupCommit in @bookflow/pg, as the platform's publishes).
 * One insert per request is bounded by the commit's wait for the WAL, not by CPU, so the requests
 * that arrive while one batch commits go together in the next statement. Each request is still
 * answered only after its own rows are committed; a lone request is written at once (no timer).
 */
export class AcceptBatcher {
  readonly #commits: GroupCommit<IncomingJob, AcceptOutcome>;

  constructor(
    private readonly db: Queryable,
    private readonly ttlMs: number,
    /** This process's row of each hourly count (sql/accept.ts). */
    private readonly shard: number,
  ) {
    this.#commits = new GroupCommit({ maxBatch: MAX_BATCH, write: (batch) => this.#write(batch) });
  }

  accept(job: IncomingJob): Promise<AcceptOutcome> {
    return this.#commits.submit(job);
  }

  async #write(pending: Waiting[]): Promise<void> {
    const batch = this.#deferRepeatedIds(pending);
    let outcomes: AcceptOutcome[];
    try {
      outcomes = await this.#store(batch);
    } catch (err) {
      if (batch.length === 1 || !isRowRefusal(err)) {
        for (const w of batch) w.reject(err);
        return;
      }
      // The statement failed as a whole, so nothing of it was committed: write the deliveries one
      // by one, so that the one the database refuses fails alone (its sender retries) and the
      // others commit.
      await Promise.all(batch.map((w) => this.#writeOne(w)));
      return;
    }
    for (const [i, w] of batch.entries()) w.resolve(outcomes[i]!);
  }

  /**
   * A second delivery of an id already in this batch waits for the next batch, where it finds the
   * first one committed and is answered as a duplicate (or takes its place, should the first fail).
   */
  #deferRepeatedIds(pending: Waiting[]): Waiting[] {
    const ids = new Set<string>();
    const batch: Waiting[] = [];
    for (const w of pending) {
      if (ids.has(w.item.eventId)) this.#commits.submit(w.item).then(w.resolve, w.reject);
      else {
        ids.add(w.item.eventId);
        batch.push(w);
      }
    }
    return batch;
  }

  async #writeOne(w: Waiting): Promise<void> {
    try {
      w.resolve((await this.#store([w]))[0]!);
    } catch (err) {
      w.reject(err);
    }
  }

  /** One atomic statement, so running it again after a lost connection or a deadlock is safe. */
  #store(batch: Waiting[]): Promise<AcceptOutcome[]> {
    return withRetries(() =>
      acceptJobs(
        this.db,
        batch.map((w) => w.item),
        this.ttlMs,
        this.shard,
      ),
    );
  }
}
