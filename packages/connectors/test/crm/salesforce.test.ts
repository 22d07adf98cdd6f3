import { generateKeyPairSync } from 'node:crypto';
import { Gauge, Registry } from 'prom-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CrmObjects } from '../../src/crm/mappings/crm-objects.ts';
import { SalesforceConnector } from '../../src/crm/salesforce/salesforce-connector.ts';
import { type SalesforceAuth, SalesforceSession } from '../../src/crm/salesforce/salesforce-session.ts';
import { envelopesOf, testMeeting } from '../support/crm-events.ts';
import { STORE_BACKENDS, startReceiver, type TestReceiver } from '../support/receiver.ts';
import { SalesforceFake } from '../support/salesforce-fake.ts';

let suffix = 0;
let lead = {
  id: 'lead_sf',
  name: 'Priya Patel',
  email: 'priya@example.com',
  phone: '+15555550100',
  company: 'Brightline Solar',
  source: 'webinar',
  campaign: null as string | null,
};
let meeting = testMeeting(
  'mtg_sf',
  'Brightline Solar',
  'America/Denver',
  'https://meet.bookflow.example/xyz',
);
const envelope = envelopesOf(4, '20000000', () => lead);
const booked = () =>
  envelope('meeting.booked', {
    call_id: 'call_sf',
    meeting,
    summary: 'Wants pricing for 40 seats.',
    transcript_url: 'https://app.bookflow.example/calls/call_sf/transcript',
    booked_at: '2026-03-02T10:05:00Z',
  });
const rescheduled = () =>
  envelope('meeting.rescheduled', {
    call_id: null,
    meeting: { ...meeting, start_at: '2026-03-12T15:00:00.000Z' },
    rescheduled_at: '2026-03-03T09:00:00Z',
  });
const canceled = () =>
  envelope('meeting.canceled', { call_id: null, meeting, canceled_at: '2026-03-04T09:00:00Z' });

const registry = new Registry();
const apiUsage = {
  used: new Gauge({ name: 'test_salesforce_api_used', help: 'used', registers: [registry] }),
  limit: new Gauge({ name: 'test_salesforce_api_limit', help: 'limit', registers: [registry] }),
};

describe.each(STORE_BACKENDS)('Salesforce connector through a real receiver (%s store)', (backend) => {
  let fake: SalesforceFake;
  let target: TestReceiver;
  let ownerId: string;
  const start = (auth: (f: SalesforceFake) => SalesforceAuth, highValue = ['Northwind Logistics']) =>
    startReceiver(backend, async (db) => [
      new SalesforceConnector({
        session: new SalesforceSession({
          auth: auth(fake),
          retry: { maxRetries: 3, baseDelayMs: 10, maxWaitMs: 5_000 },
          apiUsage,
        }),
        objects: await CrmObjects.open(db, 'salesforce'),
        defaultOwnerId: undefined,
        highValue: { companies: highValue, minLeadScore: 80 },
      }),
    ]);
  const password = (f: SalesforceFake): SalesforceAuth => ({
    flow: 'password',
    loginUrl: f.url,
    clientId: f.clientId,
    clientSecret: f.clientSecret,
    username: f.username,
    password: f.password,
  });

  beforeAll(async () => {
    fake = await new SalesforceFake().start();
    ownerId = fake.addUser('dana@acme.example');
    target = await start(password);
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
      id: `lead_sf_${suffix}`,
      email: `priya${suffix}@example.com`,
      company: 'Brightline Solar',
    };
    meeting = { ...meeting, id: `mtg_sf_${suffix}` };
  });

  it('meeting.booked: upserts the Lead by BookFlow id and creates the AE’s Task', async () => {
    await target.deliver(booked());
    await target.settle();
    const [created] = fake.list('Lead');
    expect(fake.list('Lead')).toHaveLength(1);
    expect(created).toMatchObject({
      BookFlow_Lead_Id__c: lead.id,
      FirstName: 'Priya',
      LastName: 'Patel',
      Company: 'Brightline Solar',
      Email: lead.email,
      LeadSource: 'webinar',
    });
    const [task] = fake.list('Task');
    expect(fake.list('Task')).toHaveLength(1);
    expect(task).toMatchObject({
      Subject: 'Acme demo: Brightline Solar',
      ActivityDate: '2026-03-10',
      Status: 'Not Started',
      WhoId: created!.Id,
      OwnerId: ownerId,
    });
    expect(String(task!.Description)).toContain('Wants pricing for 40 seats.');
    expect(String(task!.Description)).toContain('/calls/call_sf/transcript');
    expect(fake.list('FeedItem')).toHaveLength(0);
    // Sforce-Limit-Info of the last answer, as a metric.
    expect(await registry.getSingleMetricAsString('test_salesforce_api_used')).toContain(
      `test_salesforce_api_used ${fake.apiUsed}`,
    );
    expect(await registry.getSingleMetricAsString('test_salesforce_api_limit')).toContain(
      'test_salesforce_api_limit 15000',
    );
  });

  it('updates the Contact that has the email instead of creating a Lead', async () => {
    fake.records.Contact!.set('003000000000777AAA', {
      Id: '003000000000777AAA',
      Email: lead.email.toUpperCase(),
    });
    await target.deliver(booked());
    await target.settle();
    expect(fake.list('Lead')).toHaveLength(0);
    expect(fake.records.Contact!.get('003000000000777AAA')!.Phone).toBe(lead.phone);
    expect(fake.list('Task')[0]!.WhoId).toBe('003000000000777AAA');
  });

  it('a high-value booking: Task and Chatter post in one composite request', async () => {
    lead = { ...lead, company: 'Northwind Logistics' };
    await target.deliver(booked());
    await target.settle();
    const [post] = fake.list('FeedItem');
    expect(post).toMatchObject({ ParentId: fake.list('Lead')[0]!.Id, Type: 'TextPost' });
    expect(String(post!.Body)).toContain(
      'High-value meeting booked by BookFlow AI: Priya Patel (Northwind Logistics)',
    );
    expect(fake.list('Task')).toHaveLength(1);
    expect(fake.requests.filter((r) => r.path.endsWith('/composite'))).toHaveLength(1);
    expect(fake.requests.filter((r) => r.path.endsWith('/sobjects/Task'))).toHaveLength(0);
  });

  it('the same event ten times, and a replay after a dead letter: nothing doubled', async () => {
    fake.script(/^POST .*\/sobjects\/Task$/, {
      status: 400,
      body: [{ errorCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', message: 'Subject is too long' }],
    });
    const event = booked();
    for (let i = 0; i < 10; i++) await target.deliver(event);
    await target.settle();
    const dead = (await target.receiver.deadLetters.list({ limit: 100 })).find((d) => d.eventId === event.id);
    expect(dead!.lastError).toContain('FIELD_CUSTOM_VALIDATION_EXCEPTION: Subject is too long');
    expect(await target.receiver.deadLetters.replay(String(event.id))).toBe(true);
    await target.settle();
    expect([fake.list('Lead').length, fake.list('Task').length]).toEqual([1, 1]);
    expect(
      fake.requests.filter((r) => r.method === 'PATCH' && r.path.includes('BookFlow_Lead_Id__c')),
    ).toHaveLength(1);
  });

  it('out of order: reschedule before booking, then cancel', async () => {
    await target.deliver(rescheduled());
    await target.settle();
    await target.deliver(booked());
    await target.settle();
    expect(fake.list('Task')).toHaveLength(1);
    expect(fake.list('Task')[0]).toMatchObject({ ActivityDate: '2026-03-12', Status: 'Not Started' });
    await target.deliver(canceled());
    await target.settle();
    expect(fake.list('Task')[0]).toMatchObject({
      Subject: 'Canceled: Acme demo: Brightline Solar',
      Status: 'Completed',
    });
  });

  it('lead.disqualified sets the Lead’s Status (either schema version)', async () => {
    await target.deliver(
      envelope(
        'lead.disqualified',
        {
          call_id: 'c',
          reasons: [{ code: 'no_need', note: 'Has a tool.' }],
          disqualified_at: '2026-03-02T10:00:00Z',
        },
        '2026-09-01',
      ),
    );
    await target.settle();
    expect(fake.list('Lead')[0]).toMatchObject({
      Status: 'Unqualified',
      Description: 'Disqualified by BookFlow AI: no_need: Has a tool.',
    });
  });

  it('honours 429 Retry-After and retries 503', async () => {
    fake.script(/^GET .*\/query$/, {
      status: 503,
      body: [{ errorCode: 'SERVER_UNAVAILABLE', message: 'down for maintenance' }],
    });
    fake.script(/^POST .*\/sobjects\/Task$/, {
      status: 429,
      headers: { 'retry-after': '1' },
      body: [{ errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'slow down' }],
    });
    await target.deliver(booked());
    await target.settle();
    const posts = fake.requests.filter((r) => r.path.endsWith('/sobjects/Task'));
    expect(posts.map((r) => r.status)).toEqual([429, 201]);
    expect(posts[1]!.at - posts[0]!.at).toBeGreaterThanOrEqual(1_000);
    expect(fake.list('Task')).toHaveLength(1);
  });

  it('refreshes an expired session once; a session refused again is dead-lettered with the reason', async () => {
    await target.deliver(booked());
    await target.settle();
    const logins = fake.logins.length;
    fake.expireSessions();
    await target.deliver(canceled());
    await target.settle();
    expect(fake.logins.length).toBe(logins + 1);
    expect(fake.list('Task')[0]!.Status).toBe('Completed');

    fake.refuseAllSessions = true;
    const event = envelope('lead.disqualified', {
      call_id: 'c',
      reason_codes: ['no_budget'],
      notes: null,
      disqualified_at: '2026-03-05T10:00:00Z',
    });
    lead = { ...lead, id: `lead_sf_refused_${suffix}` };
    await target.deliver({ ...event, data: { ...(event.data as object), lead } });
    await target.settle();
    const dead = (await target.receiver.deadLetters.list({ limit: 100 })).find((d) => d.eventId === event.id);
    expect(dead!.lastError).toContain('Salesforce rejected the session again after a refresh');
    expect(dead!.attempts).toBe(1);
    expect(fake.logins.length).toBe(logins + 2);
  });

  it('logs in with the JWT bearer flow', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwt = await start((f) => ({
      flow: 'jwt',
      loginUrl: f.url,
      clientId: f.clientId,
      username: f.username,
      privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    }));
    try {
      await jwt.deliver(booked());
      await jwt.settle();
      expect(fake.logins.at(-1)).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
      expect(fake.list('Task')).toHaveLength(1);
    } finally {
      await jwt.close();
    }
  });
});
