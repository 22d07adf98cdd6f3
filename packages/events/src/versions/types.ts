import type {
  DisqualificationReasonCode,
  EventDataMap,
  EventType,
  Lead,
  LeadDisqualifiedData,
} from '../types.ts';

/**
 * The shapes of version 2026-04-10, for consumers pinned to it. types.ts holds the newest
 * version; each older version is written here as the difference from the next one.
 */
export type Lead20260410 = Omit<Lead, 'score'>;

export interface LeadDisqualifiedData20260410 extends Omit<LeadDisqualifiedData, 'reasons' | 'lead'> {
  lead: Lead20260410;
  reason_codes: DisqualificationReasonCode[];
}

export type EventType20260410 = Exclude<EventType, 'meeting.completed'>;

type WithLead20260410<D> = D extends { lead: Lead } ? Omit<D, 'lead'> & { lead: Lead20260410 } : D;

export type EventDataMap20260410 = {
  [T in EventType20260410]: T extends 'lead.disqualified'
    ? LeadDisqualifiedData20260410
    : WithLead20260410<EventDataMap[T]>;
};

/** Payload types by version, then by event type: what a handler written for a version receives. */
export interface EventDataByVersion {
  '2026-09-01': EventDataMap;
  '2026-04-10': EventDataMap20260410;
}
