import { sampleData } from '@bookflow/events';

/** An envelope as the platform delivers it, loose enough for any schema version. */
export interface LooseEnvelope {
  id: string;
  type: string;
  created_at: string;
  account_id: string;
  schema_version: string;
  data: Record<string, unknown>;
}

/** mulberry32: a small seeded generator, so a seed gives the same traffic on every run. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SOURCES = ['webinar', 'paid_search', 'referral', 'outbound_list'];
const CAMPAIGNS = ['spring-webinar', 'q2-outbound', 'paid-search-demo', null];

function uuid(next: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(next() * 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export interface TrafficOptions {
  leads: number;
  seed: number;
  /** The first call's start; calls follow every `spacingSeconds`. */
  start?: Date;
  spacingSeconds?: number;
  accountId?: string;
}

/**
 * Simulated voice-agent traffic for tests and benchmarks: per lead a call (85 % outbound) that may
 * connect, book a meeting (later rescheduled, canceled or completed as held or no-show) or
 * disqualify the lead. Payloads start from the events package's samples, so they carry every
 * field a real event does.
 */
export function funnelTraffic(options: TrafficOptions): LooseEnvelope[] {
  const next = generator(options.seed);
  const start = (options.start ?? new Date('2026-03-01T14:00:00Z')).getTime();
  const spacing = (options.spacingSeconds ?? 97) * 1000;
  const accountId = options.accountId ?? 'acct_traffic';
  const template = sampleData('meeting.booked', { seed: options.seed });
  const envelopes: LooseEnvelope[] = [];
  const emit = (type: string, at: number, data: Record<string, unknown>) =>
    envelopes.push({
      id: uuid(next),
      type,
      created_at: new Date(at + 50).toISOString(),
      account_id: accountId,
      schema_version: '2026-04-10',
      data,
    });
  for (let i = 0; i < options.leads; i++) {
    const t = start + i * spacing;
    const iso = (offsetSeconds: number) => new Date(t + offsetSeconds * 1000).toISOString();
    const lead = {
      ...template.lead,
      id: `lead_${options.seed}_${i}`,
      source: SOURCES[Math.floor(next() * SOURCES.length)]!,
      campaign: CAMPAIGNS[Math.floor(next() * CAMPAIGNS.length)] ?? null,
    };
    const callId = `call_${options.seed}_${i}`;
    const direction = next() < 0.85 ? 'outbound' : 'inbound';
    const call = { call_id: callId, direction, lead, agent: template.agent };
    emit('call.started', t, {
      ...call,
      from_number: '+15555550100',
      to_number: lead.phone,
      started_at: iso(0),
    });
    const connected = next() < 0.6;
    if (connected) {
      emit('call.connected', t + 12_000, {
        ...call,
        started_at: iso(0),
        connected_at: iso(12),
        ring_duration_seconds: 12,
      });
    }
    const booked = connected && next() < 0.35;
    const disqualified = connected && !booked && next() < 0.3;
    if (booked) {
      const meetingId = `mtg_${options.seed}_${i}`;
      const meeting = { ...template.meeting, id: meetingId, start_at: iso(86_400), end_at: iso(88_200) };
      emit('meeting.booked', t + 300_000, {
        ...template,
        call_id: callId,
        lead,
        meeting,
        booked_at: iso(300),
      });
      const roll = next();
      if (roll < 0.2) {
        const moved = { ...meeting, start_at: iso(172_800), end_at: iso(174_600) };
        emit('meeting.rescheduled', t + 3_600_000, {
          call_id: null,
          meeting: moved,
          previous_start_at: meeting.start_at,
          previous_end_at: meeting.end_at,
          rescheduled_by: 'lead',
          reason: null,
          lead,
          rescheduled_at: iso(3_600),
        });
      }
      if (roll >= 0.2 && roll < 0.35) {
        emit('meeting.canceled', t + 7_200_000, {
          call_id: null,
          meeting,
          canceled_by: 'lead',
          reason_code: 'scheduling_conflict',
          reason: null,
          lead,
          canceled_at: iso(7_200),
        });
      } else if (next() < 0.7) {
        emit('meeting.completed', t + 90_000_000, {
          meeting,
          lead,
          call_id: callId,
          outcome: next() < 0.75 ? 'held' : 'no_show',
          completed_at: iso(90_000),
        });
      }
    }
    if (disqualified) {
      emit('lead.disqualified', t + 200_000, {
        call_id: callId,
        lead,
        agent: template.agent,
        reason_codes: ['no_budget'],
        notes: null,
        transcript_url: null,
        disqualified_at: iso(200),
      });
    }
  }
  return envelopes;
}

/**
 * What a real stream does to those events: some delivered twice (same id), all reordered, and a
 * share held back to arrive last (late). Deterministic for a seed.
 */
export function deliveredOutOfOrder(envelopes: readonly LooseEnvelope[], seed: number): LooseEnvelope[] {
  const next = generator(seed);
  const copies = envelopes.flatMap((e) => (next() < 0.05 ? [e, e] : [e]));
  for (let i = copies.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [copies[i], copies[j]] = [copies[j]!, copies[i]!];
  }
  const late = copies.filter(() => next() < 0.03);
  const lateSet = new Set(late);
  return [...copies.filter((e) => !lateSet.has(e)), ...late];
}

export function toJsonLines(envelopes: readonly LooseEnvelope[]): string {
  return envelopes
    .map((e) => JSON.stringify(e))
    .join('\n')
    .concat('\n');
}
