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
    const byType = (name: string, help: string) =>
      new Gauge<'type'>({ name: prefix + name, help, labelNames: ['type'], registers });
    this.lastHour = byType(
      'volume_last_hour',
      'Accepted events (not duplicates) in the last full hour, by type, as of the last volume check.',
    );
    this.baseline = byType(
      'volume_baseline',
      'The same hour in previous weeks (median), by type; absent while a type has too little history.',
    );
    this.alertOpen = byType(
      'volume_alert_open',
      '1 while a volume-drop alert is open for the type (sent, not yet resolved), else 0.',
    );
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
