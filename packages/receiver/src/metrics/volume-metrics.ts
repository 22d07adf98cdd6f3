import { Counter, Gauge, type Registry } from 'prom-client';

/**
 * What the volume check saw at its last run, for dashboards and a Prometheus rule of one's own:
 * the last full hour's count and its baseline by event type, and the alerts it sent.
 */
export class VolumeMetrics {
  readonly lastHour: Gauge<'type'>;
  readonly baseline: Gauge<'type'>;
  readonly alertOpen: Gauge<'type'>;
  readonly alerts: Counter<'channel' | 'status' | 'outcome'>;
  readonly checks: Counter<'outcome'>;

  constructor(registry: Registry, prefix: string) {
    const registers = [registry];
    this.lastHour = new Gauge({
      name: `${prefix}volume_last_hour`,
      help: 'Accepted events (not duplicates) in the last full hour, by type, as of the last volume check.',
      labelNames: ['type'],
      registers,
    });
    this.baseline = new Gauge({
      name: `${prefix}volume_baseline`,
      help: 'The same hour in previous weeks (median), by type; absent while a type has too little history.',
      labelNames: ['type'],
      registers,
    });
    this.alertOpen = new Gauge({
      name: `${prefix}volume_alert_open`,
      help: '1 while a volume-drop alert is open for the type (sent, not yet resolved), else 0.',
      labelNames: ['type'],
      registers,
    });
    this.alerts = new Counter({
      name: `${prefix}volume_alerts_total`,
      help: 'Volume alerts by channel, status (triggered, resolved) and outcome (sent, failed).',
      labelNames: ['channel', 'status', 'outcome'],
      registers,
    });
    this.checks = new Counter({
      name: `${prefix}volume_checks_total`,
      help: 'Volume check runs by outcome (ok, failed: the store could not be read).',
      labelNames: ['outcome'],
      registers,
    });
  }
}
