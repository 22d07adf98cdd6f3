import type { SimEvent } from './story.ts';

/** One row of the funnel: what happened to the calls of one source or one campaign. */
export interface FunnelRow {
  calls: number;
  connected: number;
  booked: number;
  disqualified: number;
  rescheduled: number;
  canceled: number;
  held: number;
  no_show: number;
  events: number;
}

const emptyRow = (): FunnelRow => ({
  calls: 0,
  connected: 0,
  booked: 0,
  disqualified: 0,
  rescheduled: 0,
  canceled: 0,
  held: 0,
  no_show: 0,
  events: 0,
});

/** Counts of what was sent, by type and per source and campaign. */
export class Tally {
  readonly byType = new Map<string, number>();
  readonly bySource = new Map<string, FunnelRow>();
  readonly byCampaign = new Map<string, FunnelRow>();
  events = 0;

  add(event: SimEvent): void {
    this.events++;
    this.byType.set(event.type, (this.byType.get(event.type) ?? 0) + 1);
    for (const [table, key] of [
      [this.bySource, event.source],
      [this.byCampaign, event.campaign ?? '(no campaign)'],
    ] as const) {
      const row = table.get(key) ?? emptyRow();
      table.set(key, row);
      count(row, event);
    }
  }
}

function count(row: FunnelRow, event: SimEvent): void {
  row.events++;
  switch (event.type) {
    case 'call.started':
      row.calls++;
      break;
    case 'call.connected':
      row.connected++;
      break;
    case 'meeting.booked':
      row.booked++;
      break;
    case 'lead.disqualified':
      row.disqualified++;
      break;
    case 'meeting.rescheduled':
      row.rescheduled++;
      break;
    case 'meeting.canceled':
      row.canceled++;
      break;
    case 'meeting.completed':
      if ((event as SimEvent<'meeting.completed'>).data.outcome === 'held') row.held++;
      else row.no_show++;
      break;
  }
}

function table(headers: string[], rows: Array<Array<string | number>>): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...cells.slice(1).map(line)].join('\n');
}

function funnel(title: string, rows: Map<string, FunnelRow>): string {
  const sorted = [...rows.entries()].sort(([a], [b]) => a.localeCompare(b));
  return table(
    [
      title,
      'calls',
      'connected',
      'booked',
      'disqualified',
      'rescheduled',
      'canceled',
      'held',
      'no_show',
      'events',
    ],
    sorted.map(([name, r]) => [
      name,
      r.calls,
      r.connected,
      r.booked,
      r.disqualified,
      r.rescheduled,
      r.canceled,
      r.held,
      r.no_show,
      r.events,
    ]),
  );
}

/** The end-of-run report: events by type, the funnel per source and per campaign. */
export function renderSummary(tally: Tally): string {
  const types = [...tally.byType.entries()].sort(([a], [b]) => a.localeCompare(b));
  return [
    table(['event type', 'events'], [...types, ['total', tally.events]]),
    funnel('source', tally.bySource),
    funnel('campaign', tally.byCampaign),
  ].join('\n\n');
}
