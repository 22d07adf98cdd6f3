import { sampleEnvelope } from '@bookflow/events';

/** A meeting as the CRM tests' events carry it: 10 March 2026 at 15:00 UTC for half an hour. */
export function testMeeting(id: string, company: string, timezone: string, conferencingUrl: string) {
  return {
    id,
    title: `Acme demo: ${company}`,
    start_at: '2026-03-10T15:00:00.000Z',
    end_at: '2026-03-10T15:30:00.000Z',
    timezone,
    location: null,
    conferencing_url: conferencingUrl,
    owner: { id: 'usr_1', name: 'Dana Price', email: 'dana@acme.example' },
  };
}

/**
 * The envelopes one test file sends: a seeded sample envelope of the type, with an id of the
 * file's own prefix and sequence, and `data` that is the sample's with the current lead and the
 * given fields on top.
 */
export function envelopesOf(seed: number, idPrefix: string, lead: () => Record<string, unknown>) {
  let sequence = 0;
  return (type: string, data: Record<string, unknown>, schemaVersion = '2026-04-10') => {
    // meeting.completed is newer than the samples' version: it borrows meeting.booked's envelope.
    const sampled = type === 'meeting.completed' ? 'meeting.booked' : (type as 'meeting.booked');
    const base = sampleEnvelope(sampled, { seed });
    sequence++;
    return {
      ...base,
      type,
      id: `${idPrefix}-0000-4000-8000-${String(sequence).padStart(12, '0')}`,
      schema_version: schemaVersion,
      data: { ...base.data, lead: lead(), ...data },
    } as unknown as Record<string, unknown>;
  };
}
