import type { Db } from '@bookflow/pg';
import type { Logger } from 'pino';
import { type Clock, emitDueTrialNotices } from './trial-ending.ts';

/**
 * Runs in the worker role: every `intervalMs` it emits the trial.ending events that are due on
 * `clock`. Nothing is kept in memory: what has been sent is in trial_notices, so a restart (or a
 * second worker) picks up exactly where the last pass left off.
 */
export class TrialScheduler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = true;

  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
    private readonly options: { clock: Clock; intervalMs: number; upgradeUrl: string },
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One pass at the clock's current time; tests call it after moving a fake clock. */
  async tick(): Promise<number> {
    const emitted = await emitDueTrialNotices(this.db, this.options.clock.now(), this.options.upgradeUrl);
    if (emitted > 0) this.logger.info({ emitted }, 'trial.ending emitted');
    return emitted;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick()
        .then(() => undefined)
        .catch((err: unknown) =>
          this.logger.warn({ err }, 'trial.ending pass failed; retrying at the next one'),
        )
        .finally(() => {
          this.running = null;
          this.schedule(this.options.intervalMs);
        });
    }, delayMs);
    this.timer.unref();
  }
}
