import type { DeadLetter } from '../jobs/job.ts';
import type { ReceiverLogger } from '../logging/logger.ts';
import type { ReceiverMetrics } from '../metrics/metrics.ts';
import type { ReceiverStore } from '../stores/store.ts';

interface DeadLetterDeps {
  store: ReceiverStore;
  metrics: ReceiverMetrics;
  log: ReceiverLogger;
  clock: () => Date;
  /** Wakes the local worker so a replay runs now rather than at the next poll. */
  wake: () => void;
}

/**
 * The local dead letter: events whose handler failed every attempt. After fixing the cause,
 * replay them; completed `ctx.once` steps are not repeated, so a replay picks up where the
 * failed run stopped.
 */
export class DeadLetters {
  readonly #deps: DeadLetterDeps;

  constructor(deps: DeadLetterDeps) {
    this.#deps = deps;
  }

  list(options: { limit?: number } = {}): Promise<DeadLetter[]> {
    return this.#deps.store.listDeadLetters(options);
  }

  /** Puts one dead event back on the queue with a fresh attempt budget. False when it is not dead. */
  async replay(eventId: string): Promise<boolean> {
    const replayed = await this.#deps.store.replayDeadLetter(eventId, this.#deps.clock());
    if (replayed) {
      this.#deps.metrics.replays.inc();
      this.#deps.log.info({ event_id: eventId }, 'dead-lettered event replayed');
      this.#deps.wake();
    }
    return replayed;
  }

  /** Replays every dead event (optionally of some types), in pages; returns how many. */
  async replayAll(filter: { types?: readonly string[] } = {}): Promise<number> {
    let replayed = 0;
    const skipped = new Set<string>();
    for (;;) {
      const page = (await this.list({ limit: 100 + skipped.size })).filter((d) => !skipped.has(d.eventId));
      if (page.length === 0) return replayed;
      for (const dead of page) {
        if (filter.types && !filter.types.includes(dead.eventType)) {
          skipped.add(dead.eventId);
          continue;
        }
        if (await this.replay(dead.eventId)) replayed++;
        else skipped.add(dead.eventId);
      }
    }
  }
}
