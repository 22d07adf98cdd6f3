import type { LooseEnvelope } from '../support/traffic.ts';

/**
 * A funnel small enough to check by hand (the expected figures are in funnel.test.ts):
 *
 *   c1 webinar/spring-webinar  03-02  outbound, connected, booked m1: rescheduled, completed
 *                                     no_show then held (held is later, but arrives first)
 *   c2 webinar/spring-webinar  03-02  outbound, connected (arrives last), booked m2, canceled
 *                                     (the cancel arrives before the booking)
 *   c3 webinar/spring-webinar  03-03  outbound, no answer
 *   c4 paid_search/no campaign 03-03  outbound, connected, disqualified (schema 2026-09-01: reasons)
 *   c5 webinar/spring-webinar  03-02  INBOUND, connected, booked m5: not a dial, not counted
 *   c6 paid_search/no campaign 03-04  outbound at 23:30 -05:00 on 03-03 (so 04:30 UTC on 03-04),
 *                                     connected, booked m6, completed no_show
 *   c7 referral/q2-outbound    03-02  outbound, connected, booked m7, canceled, then rescheduled
 *                                     later (latest state: rescheduled, so not canceled)
 *   call.started of c1 twice with different ids, and several envelopes delivered twice.
 */
let counter = 0;
function envelope(type: string, data: Record<string, unknown>, schemaVersion = '2026-04-10'): LooseEnvelope {
  counter++;
  return {
    id: `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`,
    type,
    created_at: '2026-03-05T00:00:00.000Z',
    account_id: 'acct_fixture',
    schema_version: schemaVersion,
    data,
  };
}

const lead = (id: string, source: string, campaign: string | null) => ({
  id,
  name: `Lead ${id}`,
  email: `${id}@example.com`,
  phone: '+15555550123',
  company: null,
  source,
  campaign,
});

const started = (callId: string, l: ReturnType<typeof lead>, at: string, direction = 'outbound') =>
  envelope('call.started', {
    call_id: callId,
    direction,
    lead: l,
    started_at: at,
    from_number: '+1',
    to_number: '+2',
  });
const connected = (callId: string, l: ReturnType<typeof lead>) =>
  envelope('call.connected', {
    call_id: callId,
    direction: 'outbound',
    lead: l,
    connected_at: '2026-03-02T10:00:10Z',
  });
const meeting = (id: string) => ({
  id,
  title: 'Demo',
  start_at: '2026-03-10T15:00:00Z',
  end_at: '2026-03-10T15:30:00Z',
});
const booked = (meetingId: string, callId: string, l: ReturnType<typeof lead>, at: string) =>
  envelope('meeting.booked', { call_id: callId, meeting: meeting(meetingId), lead: l, booked_at: at });
const rescheduled = (meetingId: string, l: ReturnType<typeof lead>, at: string) =>
  envelope('meeting.rescheduled', {
    call_id: null,
    meeting: meeting(meetingId),
    lead: l,
    rescheduled_at: at,
  });
const canceled = (meetingId: string, l: ReturnType<typeof lead>, at: string) =>
  envelope('meeting.canceled', {
    call_id: null,
    meeting: meeting(meetingId),
    lead: l,
    canceled_at: at,
    reason_code: 'other',
  });
const completed = (
  meetingId: string,
  callId: string,
  l: ReturnType<typeof lead>,
  outcome: string,
  at: string,
) =>
  envelope(
    'meeting.completed',
    { meeting: meeting(meetingId), lead: l, call_id: callId, outcome, completed_at: at },
    '2026-09-01',
  );

export function smallFixture(): LooseEnvelope[] {
  counter = 0;
  const web1 = lead('l1', 'webinar', 'spring-webinar');
  const web2 = lead('l2', 'webinar', 'spring-webinar');
  const web3 = lead('l3', 'webinar', 'spring-webinar');
  const paid4 = lead('l4', 'paid_search', null);
  const web5 = lead('l5', 'webinar', 'spring-webinar');
  const paid6 = lead('l6', 'paid_search', null);
  const ref7 = lead('l7', 'referral', 'q2-outbound');

  const c1Started = started('c1', web1, '2026-03-02T10:00:00Z');
  const c1StartedAgain = started('c1', web1, '2026-03-02T10:00:01Z');
  const c2Connected = connected('c2', web2);
  const m1Held = completed('m1', 'c1', web1, 'held', '2026-03-10T16:00:00Z');
  const m1NoShow = completed('m1', 'c1', web1, 'no_show', '2026-03-10T15:40:00Z');
  const m2Booked = booked('m2', 'c2', web2, '2026-03-02T11:05:00Z');
  const m2Canceled = canceled('m2', web2, '2026-03-03T09:00:00Z');
  const c4Disqualified = envelope(
    'lead.disqualified',
    {
      call_id: 'c4',
      lead: paid4,
      reasons: [{ code: 'no_budget', note: 'Next year.' }],
      disqualified_at: '2026-03-03T12:05:00Z',
      a_field_from_the_future: true,
    },
    '2026-09-01',
  );

  const inArrivalOrder = [
    c1Started,
    connected('c1', web1),
    booked('m1', 'c1', web1, '2026-03-02T10:05:00Z'),
    rescheduled('m1', web1, '2026-03-04T09:00:00Z'),
    m1Held,
    m1NoShow,
    c1StartedAgain,
    started('c2', web2, '2026-03-02T11:00:00Z'),
    m2Canceled,
    m2Booked,
    started('c3', web3, '2026-03-03T09:00:00Z'),
    started('c4', paid4, '2026-03-03T12:00:00Z'),
    connected('c4', paid4),
    c4Disqualified,
    started('c5', web5, '2026-03-02T12:00:00Z', 'inbound'),
    connected('c5', web5),
    booked('m5', 'c5', web5, '2026-03-02T12:05:00Z'),
    started('c6', paid6, '2026-03-03T23:30:00-05:00'),
    connected('c6', paid6),
    booked('m6', 'c6', paid6, '2026-03-04T04:40:00Z'),
    completed('m6', 'c6', paid6, 'no_show', '2026-03-11T15:30:00Z'),
    started('c7', ref7, '2026-03-02T13:00:00Z'),
    connected('c7', ref7),
    booked('m7', 'c7', ref7, '2026-03-02T13:05:00Z'),
    canceled('m7', ref7, '2026-03-03T10:00:00Z'),
    rescheduled('m7', ref7, '2026-03-03T11:00:00Z'),
    c2Connected,
  ];
  // Duplicated deliveries: the same envelope (same id) a second time.
  return [...inArrivalOrder, c1Started, m2Booked, c4Disqualified, m1Held];
}
