import type { AnyEvent } from '../connector.ts';
import { text, time } from './event-fields.ts';

/** What a meeting.* event did to the meeting, in words of no particular CRM. */
export type MeetingChange = 'scheduled' | 'canceled' | 'held' | 'no_show';

/** The data field that stamps each change with the moment it happened. */
const STAMPED_AT = {
  'meeting.booked': 'booked_at',
  'meeting.rescheduled': 'rescheduled_at',
  'meeting.canceled': 'canceled_at',
  'meeting.completed': 'completed_at',
} as const;

/**
 * A meeting.* event as the change it makes, stamped with the event's own time (else when the event
 * was created), so a CRM can refuse to go back to an older state; null for any other event.
 */
export function meetingChange(event: AnyEvent): { change: MeetingChange; at: Date } | null {
  if (!Object.hasOwn(STAMPED_AT, event.type)) return null;
  const type = event.type as keyof typeof STAMPED_AT;
  const at = time(event.data, STAMPED_AT[type]) ?? new Date(event.createdAt);
  if (type === 'meeting.canceled') return { change: 'canceled', at };
  if (type === 'meeting.completed') {
    return { change: text(event.data, 'outcome') === 'no_show' ? 'no_show' : 'held', at };
  }
  return { change: 'scheduled', at };
}
