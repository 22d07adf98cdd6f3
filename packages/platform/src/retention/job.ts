import type { Db } from '@bookflow/pg';
import type { Logger } from 'pino';
import { purgeExpired } from './purge.ts';

/** Runs the retention purge now and then every `intervalMs`, in the worker role. */
export class RetentionJob {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
    private readonly options: { retentionMs: number; intervalMs: number },
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.runOnce(), this.options.intervalMs);
    this.timer.unref();
    void this.runOnce();
  }

  async runOnce(): Promise<void> {
    if (this.running) return this.running;
    this.running = (async () => {
      try {
        const purged = await purgeExpired(this.db, this.options.retentionMs);
        if (purged.events + purged.attempts + purged.secrets > 0) this.logger.info(purged, 'retention purge');
      } catch (err) {
        this.logger.error({ err }, 'retention purge failed');
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
