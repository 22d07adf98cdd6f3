import { errorFields, type ReceiverLogger } from '../logging/logger.ts';
import type { ReceiverMetrics } from '../metrics/metrics.ts';
import type { ReceiverStore } from '../stores/store.ts';

interface MaintenanceDeps {
  store: ReceiverStore;
  metrics: ReceiverMetrics;
  log: ReceiverLogger;
  clock: () => Date;
}

interface MaintenanceOptions {
  reapIntervalMs: number;
  sweepIntervalMs: number;
  onReaped: () => void;
}

/**
 * The two housekeeping loops every worker runs: the reaper (expired leases back to the queue) and
 * the sweeper (expired dedupe keys deleted). Every worker runs them; both are idempotent
 * statements, so several processes doing the same sweep is harmless.
 */
export class Maintenance {
  readonly #deps: MaintenanceDeps;
  readonly #options: MaintenanceOptions;
  #timers: NodeJS.Timeout[] = [];

  constructor(deps: MaintenanceDeps, options: MaintenanceOptions) {
    this.#deps = deps;
    this.#options = options;
  }

  start() {
    this.#timers = [
      setInterval(() => void this.reapNow(), this.#options.reapIntervalMs),
      setInterval(() => void this.sweepNow(), this.#options.sweepIntervalMs),
    ];
    for (const timer of this.#timers) timer.unref();
  }

  stop() {
    for (const timer of this.#timers) clearInterval(timer);
    this.#timers = [];
  }

  async reapNow(): Promise<number> {
    try {
      const reaped = await this.#deps.store.reapExpiredLeases(this.#deps.clock());
      if (reaped > 0) {
        this.#deps.log.warn({ reaped }, 'returned jobs with expired leases to the queue');
        this.#options.onReaped();
      }
      return reaped;
    } catch (error) {
      this.#deps.metrics.storeErrors.inc({ operation: 'reap' });
      this.#deps.log.error({ err: errorFields(error) }, 'reaping expired leases failed');
      return 0;
    }
  }

  async sweepNow(): Promise<number> {
    try {
      const swept = await this.#deps.store.sweepExpired(this.#deps.clock());
      if (swept > 0) this.#deps.log.debug({ swept }, 'deleted expired dedupe keys');
      return swept;
    } catch (error) {
      this.#deps.metrics.storeErrors.inc({ operation: 'sweep' });
      this.#deps.log.error({ err: errorFields(error) }, 'sweeping expired dedupe keys failed');
      return 0;
    }
  }
}
