import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hubspotClient } from '../../src/crm/hubspot/hubspot-api.ts';
import { HubSpotConnector } from '../../src/crm/hubspot/hubspot-connector.ts';
import { CrmObjects } from '../../src/crm/mappings/crm-objects.ts';
import { envelopesOf, testMeeting } from '../support/crm-events.ts';
import { HubSpotFake } from '../support/hubspot-fake.ts';
import { STORE_BACKENDS, startReceiver, type TestReceiver } from '../support/receiver.ts';

// Each test gets its own lead and meeting ids: the receiver and its mapping table live for the file.
let suffix = 0;
let lead = {
  id: 'lead_hs_1',
  name: 'Maria Nguyen',
  email: 'maria@northwind.example',
  phone: '+15555550142',
  company: 'Northwind Logistics',
  source: 'webinar',
  campaign: 'spring-webinar',
};
let meeting = testMeeting(
  'mtg_hs_1',
  'Northwind Logistics',
  'America/Chicago',
  'https://meet.bookflow.example/abc',
);
const envelope = envelopesOf(3, '10000000', () => lead);
const booked = () =>
  envelope('meeting.booked', {
    call_id: 'call_hs_1',
    meeting,
    summary: 'Maria wants a demo next week.',
    transcript_url: 'https://app.bookflow.example/calls/call_hs_1/transcript',
    booked_at: '2026-03-02T10:05:00.000Z',
  });
const rescheduled = () =>
  envelope('meeting.rescheduled', {
    call_id: null,
    meeting: { ...meeting, start_at: '2026-03-12T15:00:00.000Z', end_at: '2026-03-12T15:30:00.000Z' },
    rescheduled_at: '2026-03-03T09:00:00.000Z',
  });
const canceled = () =>
  envelope('meeting.canceled', { call_id: null, meeting, canceled_at: '2026-03-04T09:00:00.000Z' });

describe.each(STORE_BACKENDS)('HubSpot connector through a real receiver (%s store)', (backend) => {
  let fake: HubSpotFake;
  let target: TestReceiver;

  beforeAll(async () => {
    fake = await new HubSpotFake().start();
    target = await startReceiver(backend, async (db) => [
      new HubSpotConnector({
        client: hubspotClient({ accessToken: fake.token, basePath: fake.url }),
        objects: await CrmObjects.open(db, 'hubspot'),
        retry: { maxRetries: 3, baseDelayMs: 10, maxWaitMs: 5_000 },
      }),
    ]);
  });
  afterAll(async () => {
    await target.close();
    await fake.close();
  });
  beforeEach(() => {
    fake.reset();
    suffix++;
    lead = {
      ...lead,
      id: `lead_hs_${suffix}`,
      email: `maria${suffix}@northwind.example`,
      phone: `+1555555${String(suffix).padStart(4, '0')}`,
    };
    meeting = { ...meeting, id: `mtg_hs_${suffix}` };
  });

  it('meeting.booked: creates the contact, the meeting and the note, associated, and makes the contact an SQL', async () => {
    expect(await target.deliver(booked())).toBe(200);
    await target.settle();
    const [contact] = fake.list('contacts');
    expect(fake.list('contacts')).toHaveLength(1);
    expect(contact!.properties).toMatchObject({
      email: lead.email,
      phone: lead.phone,
      firstname: 'Maria',
      lastname: 'Nguyen',
      company: 'Northwind Logistics',
      lifecyclestage: 'salesqualifiedlead',
    });
    const meetings = fake.list('meetings');
    expect(meetings).toHaveLength(1);
    expect(meetings[0]!.properties).toMatchObject({
      hs_meeting_title: 'Acme demo: Northwind Logistics',
      hs_meeting_start_time: '2026-03-10T15:00:00.000Z',
      hs_meeting_end_time: '2026-03-10T15:30:00.000Z',
      hs_meeting_outcome: 'SCHEDULED',
    });
    expect(meetings[0]!.properties.hs_meeting_body).toContain('Maria wants a demo next week.');
    expect(meetings[0]!.properties.hs_meeting_body).toContain('/calls/call_hs_1/transcript');
    expect(meetings[0]!).toMatchObject({ contactIds: [contact!.id], associationTypeIds: [200] });
    const notes = fake.list('notes');
    expect(notes).toHaveLength(1);
    expect(notes[0]!).toMatchObject({ contactIds: [contact!.id], associationTypeIds: [202] });
    expect(notes[0]!.properties.hs_note_body).toContain('Maria wants a demo next week.');
  });

  it('finds an existing contact by email and never moves a customer back to SQL', async () => {
    fake.objects.contacts.set('77', {
      id: '77',
      properties: { email: lead.email.toUpperCase(), lifecyclestage: 'customer' },
      contactIds: [],
      associationTypeIds: [],
    });
    await target.deliver(booked());
    await target.settle();
    expect(fake.list('contacts')).toHaveLength(1);
    expect(fake.objects.contacts.get('77')!.properties.lifecyclestage).toBe('customer');
    expect(fake.list('meetings')[0]!.contactIds).toEqual(['77']);
  });

  it('the same event ten times: one contact, one meeting, one note', async () => {
    const event = booked();
    for (let i = 0; i < 10; i++) await target.deliver(event);
    await target.settle();
    expect([fake.list('contacts').length, fake.list('meetings').length, fake.list('notes').length]).toEqual([
      1, 1, 1,
    ]);
  });

  it('a 4xx goes to the dead letter with HubSpot’s words; the replay finishes without doubling anything', async () => {
    fake.script(/^POST \/crm\/v3\/objects\/notes$/, {
      status: 400,
      body: { status: 'error', message: 'Property values were not valid', category: 'VALIDATION_ERROR' },
    });
    const event = booked();
    await target.deliver(event);
    await target.settle();
    const dead = (await target.receiver.deadLetters.list({ limit: 100 })).find((d) => d.eventId === event.id);
    expect(dead!.lastError).toContain(
      'HubSpot answered 400 VALIDATION_ERROR: Property values were not valid',
    );
    expect(fake.list('notes')).toHaveLength(0);

    expect(await target.receiver.deadLetters.replay(String(event.id))).toBe(true);
    await target.settle();
    expect([fake.list('contacts').length, fake.list('meetings').length, fake.list('notes').length]).toEqual([
      1, 1, 1,
    ]);
    // The replay ran only the step that had failed.
    expect(fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/meetings'))).toHaveLength(1);
  });

  it('out of order: a reschedule before its booking, then a cancel, end in the right state', async () => {
    await target.deliver(rescheduled());
    await target.settle();
    await target.deliver(booked());
    await target.settle();
    const meetings = fake.list('meetings');
    expect(meetings).toHaveLength(1);
    // The booking is older than the reschedule: its times do not overwrite the newer ones.
    expect(meetings[0]!.properties).toMatchObject({
      hs_meeting_start_time: '2026-03-12T15:00:00.000Z',
      hs_meeting_outcome: 'SCHEDULED',
    });
    expect(fake.list('notes')).toHaveLength(1);
    await target.deliver(canceled());
    await target.deliver(
      envelope(
        'meeting.completed',
        { meeting, call_id: 'call_hs_1', outcome: 'held', completed_at: '2026-03-03T12:00:00Z' },
        '2026-09-01',
      ),
    );
    await target.settle();
    expect(fake.list('meetings')[0]!.properties.hs_meeting_outcome).toBe('CANCELED');
  });

  it('meeting.completed sets COMPLETED or NO_SHOW', async () => {
    await target.deliver(booked());
    await target.deliver(
      envelope(
        'meeting.completed',
        { meeting, call_id: 'call_hs_1', outcome: 'no_show', completed_at: '2026-03-10T16:00:00Z' },
        '2026-09-01',
      ),
    );
    await target.settle();
    expect(fake.list('meetings')[0]!.properties.hs_meeting_outcome).toBe('NO_SHOW');
  });

  it('honours 429 Retry-After and retries 5xx, creating the meeting once', async () => {
    fake.script(/^POST \/crm\/v3\/objects\/meetings$/, {
      status: 429,
      headers: { 'retry-after': '1' },
      body: {
        status: 'error',
        message: 'You have reached your ten_secondly_rolling limit.',
        category: 'RATE_LIMITS',
        policyName: 'TEN_SECONDLY_ROLLING',
      },
    });
    fake.script(/^POST \/crm\/v3\/objects\/meetings$/, { status: 502 });
    fake.script(/^POST \/crm\/v3\/objects\/meetings$/, { status: 503 });
    await target.deliver(booked());
    await target.settle();
    const posts = fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/meetings'));
    expect(posts.map((r) => r.status)).toEqual([429, 502, 503, 201]);
    // The retry after the 429 waited at least the second Retry-After asked for.
    expect(posts[1]!.at - posts[0]!.at).toBeGreaterThanOrEqual(1_000);
    expect(fake.list('meetings')).toHaveLength(1);
    expect(await target.receiver.deadLetters.list({ limit: 100 })).toEqual([]);
  });

  it('lead.disqualified (either schema version) marks the contact UNQUALIFIED with a note of the reasons', async () => {
    await target.deliver(
      envelope(
        'lead.disqualified',
        {
          call_id: 'call_hs_2',
          reasons: [{ code: 'no_budget', note: 'Budget frozen until Q3.' }],
          disqualified_at: '2026-03-02T10:00:00Z',
        },
        '2026-09-01',
      ),
    );
    await target.settle();
    const [contact] = fake.list('contacts');
    expect(contact!.properties.hs_lead_status).toBe('UNQUALIFIED');
    expect(fake.list('notes')[0]!.properties.hs_note_body).toBe(
      'Disqualified by BookFlow AI: no_budget: Budget frozen until Q3.',
    );
  });

  it('call.ended logs a call with duration, outcome and recording', async () => {
    await target.deliver(
      envelope('call.ended', {
        call_id: 'call_hs_3',
        direction: 'outbound',
        duration_seconds: 312,
        outcome: 'booked',
        summary: 'Booked a demo.',
        recording_url: 'https://app.bookflow.example/calls/call_hs_3/recording',
        ended_at: '2026-03-02T10:10:00.000Z',
      }),
    );
    await target.settle();
    const [call] = fake.list('calls');
    expect(call!.properties).toMatchObject({
      hs_call_duration: '312000',
      hs_call_direction: 'OUTBOUND',
      hs_call_title: 'BookFlow AI call: booked',
      hs_call_recording_url: 'https://app.bookflow.example/calls/call_hs_3/recording',
      hs_timestamp: '2026-03-02T10:10:00.000Z',
    });
    expect(call!.associationTypeIds).toEqual([194]);
  });

  it('a rejected token dead-letters the event with the reason, never retrying it', async () => {
    const wrongToken = await startReceiver(backend, async (db) => [
      new HubSpotConnector({
        client: hubspotClient({ accessToken: 'wrong', basePath: fake.url }),
        objects: await CrmObjects.open(db, 'hubspot'),
      }),
    ]);
    try {
      await wrongToken.deliver(booked());
      await wrongToken.settle();
      const [dead] = await wrongToken.receiver.deadLetters.list({ limit: 10 });
      expect(dead!.lastError).toContain('HubSpot answered 401');
      expect(dead!.attempts).toBe(1);
    } finally {
      await wrongToken.close();
    }
  });
});
