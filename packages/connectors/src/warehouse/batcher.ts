import type { RawEvent } from './raw-event.ts';
import type { RawEventSink } from './warehouse.ts';

export interface RawEventBatcherOptions {
  sink: Pick<RawEventSink, 'insertRaw'>;
  /** Rows that make a batch flush at once. */
  maxBatch?: number;
  /** The longest a row waits for companions before its batch flushes anyway. */
  maxWaitMs?: number;
  /**
   * Flush as soon as this many rows wait: the receiver's worker concurrency, since no more rows
   * can arrive while every handler waits for its own (waiting longer would only add latency).
   */
  flushAtWaiting?: number;
}

interface Waiting {
  row: RawEvent;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Collects raw rows from concurrent handlers and writes them in batches: a batch flushes when it
 * reaches maxBatch rows, when flushAtWaiting rows wait, or maxWaitMs after its first row. Each
 * add() resolves only once its row is committed, so a handler that returns has its event in the
 * warehouse; one batch is written at a time and rows arriving meanwhile form the next.
 */
export class RawEventBatcher {
  readonly #sink: Pick<RawEventSink, 'insertRaw'>;
  readonly #maxBatch: number;
  readonly #maxWaitMs: number;
  readonly #flushAtWaiting: number;
  #waiting: Waiting[] = [];
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> = Promise.resolve();

  constructor(options: RawEventBatcherOptions) {
    this.#sink = options.sink;
    this.#maxBatch = options.maxBatch ?? 500;
    this.#maxWaitMs = options.maxWaitMs ?? 1_000;
    this.#flushAtWaiting = Math.min(options.flushAtWaiting ?? this.#maxBatch, this.#maxBatch);
  }

  add(row: RawEvent): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ row, resolve, reject });
      if (this.#waiting.length >= this.#flushAtWaiting) this.flush();
      else this.#timer ??= setTimeout(() => this.flush(), this.#maxWaitMs);
    });
  }

  /** Writes what waits now (after the batch being written, if any); resolves when it is written. */
  flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const batch = this.#waiting.splice(0, this.#maxBatch);
    if (this.#waiting.length > 0) this.#timer = setTimeout(() => this.flush(), 0);
    if (batch.length === 0) return this.#writing;
    this.#writing = this.#writing.then(async () => {
      try {
        await this.#sink.insertRaw(batch.map((w) => w.row));
        for (const w of batch) w.resolve();
      } catch (error) {
        // Every handler of the batch fails and the receiver retries each event; the insert is
        // idempotent on event_id, so rows of a batch that did commit are not doubled.
        for (const w of batch) w.reject(error);
      }
    });
    return this.#writing;
  }

  /** Flushes what is left; call before closing the sink. */
  async close(): Promise<void> {
    while (this.#waiting.length > 0) await this.flush();
    clearTimeout(this.#timer);
    await this.#writing;
  }
}
