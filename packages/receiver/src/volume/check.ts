import type { Alerter, VolumeAlert } from '../alerts/alert.ts';
import { errorFields, type ReceiverLogger } from '../logging/logger.ts';
import type { ReceiverMetrics } from '../metrics/metrics.ts';
import type { ReceiverStore } from '../stores/store.ts';
import { HOUR_MS, lastFullHour, sameHourOfPreviousWeeks } from '../time/hours.ts';
import { decideVolumeAlert, type VolumeAction } from './decide.ts';
import { judgeVolume, type VolumeJudgement } from './judge.ts';
import { type VolumePolicy, volumePolicy } from './policy.ts';
import { nextCheckAt } from './schedule.ts';
import { volumesByType } from './volumes.ts';

/** How long after each hour the check runs by default: the hour's late acknowledgements are in. */
export const DEFAULT_VOLUME_CHECK_DELAY_MS = 120_000;

/**
 * `delayMs` must be below this: a run judges the last full hour at the time it runs, so it has to
 * run within the hour after the one it is meant to judge.
 */
export const VOLUME_CHECK_DELAY_LIMIT_MS = HOUR_MS;

export interface VolumeCheckOptions extends Partial<VolumePolicy> {
  /**
   * How long after each hour the check runs. Default DEFAULT_VOLUME_CHECK_DELAY_MS; below
   * VOLUME_CHECK_DELAY_LIMIT_MS.
   */
  delayMs?: number;
}

export interface VolumeCheckDeps {
  store: ReceiverStore;
  alerts: readonly Alerter[];
  metrics: ReceiverMetrics;
  log: ReceiverLogger;
  clock: () => Date;
  source: string;
}

/** One type's outcome of a run, returned by runNow() (for tests and a manual check). */
export interface VolumeTypeResult extends VolumeJudgement {
  eventType: string;
  count: number;
  action: VolumeAction;
}

/**
 * The receiver's built-in volume-anomaly check: once an hour it compares each event type's last
 * full hour with the same hour of previous weeks (judge.ts), and alerts once when a type drops far
 * below it and once when it recovers (decide.ts), through the alerters that take volume alerts.
 * Which alerts are open lives in this process: a restart during a drop alerts again (PagerDuty
 * folds it into the open incident, whose dedup_key is the type). Errors are logged, never thrown.
 */
export class VolumeCheck {
  readonly policy: VolumePolicy;
  readonly #deps: VolumeCheckDeps;
  readonly #delayMs: number;
  readonly #open = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<VolumeTypeResult[] | undefined> | undefined;

  constructor(deps: VolumeCheckDeps, options: VolumeCheckOptions = {}) {
    const { delayMs = DEFAULT_VOLUME_CHECK_DELAY_MS, ...policy } = options;
    if (!(delayMs >= 0 && delayMs < VOLUME_CHECK_DELAY_LIMIT_MS))
      throw new TypeError('volume check: delayMs must be under 1 h');
    this.policy = volumePolicy(policy);
    this.#deps = deps;
    this.#delayMs = delayMs;
  }

  /** Schedules the hourly runs; calling it again while running changes nothing. */
  start() {
    if (this.#timer) return;
    this.#schedule();
  }

  stop() {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule() {
    const now = this.#deps.clock();
    const wait = Math.max(nextCheckAt(now, this.#delayMs).getTime() - now.getTime(), 1000);
    this.#timer = setTimeout(() => {
      this.runNow()
        .catch((error) => this.#deps.log.error({ err: errorFields(error) }, 'volume check failed'))
        .finally(() => {
          if (this.#timer) this.#schedule();
        });
    }, wait);
    this.#timer.unref();
  }

  /**
   * Judges the last full hour now; returns one result per type, or undefined when the store failed.
   * A call while a run is under way joins it, so a manual run and the timer never alert twice.
   */
  runNow(): Promise<VolumeTypeResult[] | undefined> {
    this.#running ??= this.#run().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #run(): Promise<VolumeTypeResult[] | undefined> {
    const { store, metrics, log, clock } = this.#deps;
    const hour = lastFullHour(clock());
    const hours = sameHourOfPreviousWeeks(hour, this.policy.weeks);
    let counts: Awaited<ReturnType<ReceiverStore['volumeCounts']>>;
    try {
      counts = await store.volumeCounts(hours);
    } catch (error) {
      metrics.storeErrors.inc({ operation: 'volume_counts' });
      metrics.volume.checks.inc({ outcome: 'failed' });
      log.error({ err: errorFields(error) }, 'volume check failed: could not read the hourly counts');
      return undefined;
    }
    const results: VolumeTypeResult[] = [];
    for (const [eventType, volume] of volumesByType(counts, hours, this.#open)) {
      const judgement = judgeVolume(volume, this.policy);
      const action = decideVolumeAlert(judgement.verdict, this.#open.has(eventType));
      results.push({ eventType, count: volume.count, action, ...judgement });
    }
    this.#record(results);
    for (const r of results) {
      if (r.action === 'none' || r.baseline === undefined) continue;
      const status = r.action === 'alert' ? 'triggered' : 'resolved';
      const alert = { status, eventType: r.eventType, hour, count: r.count, baseline: r.baseline } as const;
      if (await this.#send({ ...alert, source: this.#deps.source })) {
        if (status === 'triggered') this.#open.add(r.eventType);
        else this.#open.delete(r.eventType);
        metrics.volume.alertOpen.set({ type: r.eventType }, status === 'triggered' ? 1 : 0);
      }
    }
    metrics.volume.checks.inc({ outcome: 'ok' });
    return results;
  }

  /** The gauges show this run only: a type gone from every compared hour leaves them. */
  #record(results: readonly VolumeTypeResult[]) {
    const { volume } = this.#deps.metrics;
    volume.lastHour.reset();
    volume.baseline.reset();
    volume.alertOpen.reset();
    for (const r of results) {
      volume.lastHour.set({ type: r.eventType }, r.count);
      if (r.baseline !== undefined) volume.baseline.set({ type: r.eventType }, r.baseline);
      volume.alertOpen.set({ type: r.eventType }, this.#open.has(r.eventType) ? 1 : 0);
    }
  }

  /**
   * Tells every alerter that takes volume alerts; true when at least one took it, or there is none
   * (then the log line is the alert). When all fail, the alert stays unsent and the next hour's
   * check, finding the same verdict, tries again.
   */
  async #send(alert: VolumeAlert): Promise<boolean> {
    const { metrics, log } = this.#deps;
    const level = alert.status === 'triggered' ? 'warn' : 'info';
    log[level](
      {
        event_type: alert.eventType,
        hour: alert.hour.toISOString(),
        count: alert.count,
        baseline: alert.baseline,
      },
      alert.status === 'triggered' ? 'event volume dropped' : 'event volume recovered',
    );
    const channels = this.#deps.alerts.filter((a) => a.notifyVolume);
    const sent = await Promise.all(
      channels.map(async (alerter) => {
        try {
          await alerter.notifyVolume?.(alert);
          metrics.volume.alerts.inc({ channel: alerter.channel, status: alert.status, outcome: 'sent' });
          return true;
        } catch (error) {
          metrics.volume.alerts.inc({ channel: alerter.channel, status: alert.status, outcome: 'failed' });
          log.error({ channel: alerter.channel, err: errorFields(error) }, 'volume alert failed');
          return false;
        }
      }),
    );
    return channels.length === 0 || sent.includes(true);
  }
}
