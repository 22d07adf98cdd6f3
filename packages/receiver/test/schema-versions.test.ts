import { sampleEnvelope, sampleVersionedEnvelope } from '@bookflow/events';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReceiver, type ReceivedEvent, type UnknownEvent, type VersionedEvent } from '../src/index.ts';
import { fromPGlite } from '../src/pglite.ts';
import { PostgresStore } from '../src/postgres.ts';
import { SECRET, sign } from './helpers/deliveries.ts';
import { waitFor } from './helpers/wait.ts';

// Forward compatibility (the brief's schema versioning): newer payloads must not break the consumer.

describe('newer payloads', () => {
  let db: PGlite;
  beforeAll(async () => {
    db = await PGlite.create();
  });
  afterAll(() => db.close());

  it('accepts extra unknown fields and a newer schema_version, stores them with the job and hands them to the handler', async () => {
    const store = await PostgresStore.create({ db: fromPGlite(db, { ownsDb: false }) });
    const receivedAt = new Date(Date.now() - 1000);
    const receiver = createReceiver({
      store,
      secrets: [SECRET],
      clock: () => receivedAt,
      worker: { pollIntervalMs: 20 },
    });
    const base = sampleEnvelope('meeting.booked');
    const newer = {
      ...base,
      schema_version: '2027-01-15',
      region: 'us-east',
      data: {
        ...base.data,
        lead_score: 87,
        meeting_subtype: 'discovery',
        lead: { ...base.data.lead, tier: 'A' },
      },
    };
    const seen: ReceivedEvent<'meeting.booked'>[] = [];
    receiver.on('meeting.booked', (event) => {
      seen.push(event);
    });

    const answer = await receiver.handle(sign(newer, { attempt: 3 }));
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ id: base.id, status: 'accepted' });

    // What the request path stored, before any handler ran.
    const { rows } = await db.query<Record<string, unknown>>(
      'SELECT schema_version, body, headers, received_at FROM bookflow_receiver_jobs WHERE event_id = $1',
      [base.id],
    );
    expect(rows[0]).toMatchObject({ schema_version: '2027-01-15', body: JSON.stringify(newer) });
    expect(rows[0]!.headers).toMatchObject({
      'x-bookflow-event-id': base.id,
      'x-bookflow-schema-version': '2027-01-15',
      'x-bookflow-attempt': '3',
      'webhook-id': base.id,
    });
    expect(rows[0]!.headers).not.toHaveProperty('webhook-signature');
    expect((rows[0]!.received_at as Date).getTime()).toBe(receivedAt.getTime());

    await receiver.start();
    await waitFor(() => seen.length === 1, { what: 'the handler' });
    await receiver.stop();
    const event = seen[0]!;
    expect(event.schemaVersion).toBe('2027-01-15');
    expect(event.data.meeting.id).toBe(base.data.meeting.id);
    expect((event.data as unknown as Record<string, unknown>).lead_score).toBe(87);
    expect(event.envelope.region).toBe('us-east');
    expect(event.receivedAt.getTime()).toBe(receivedAt.getTime());
  });

  it('acknowledges an event type this kit does not know and gives it to onAny', async () => {
    const store = await PostgresStore.create({ db: fromPGlite(db, { ownsDb: false }) });
    const receiver = createReceiver({ store, secrets: [SECRET], worker: { pollIntervalMs: 20 } });
    const seen: (ReceivedEvent | UnknownEvent)[] = [];
    receiver.onAny((event) => {
      seen.push(event);
    });
    const future = {
      ...sampleEnvelope('call.started'),
      type: 'call.transferred',
      data: { call_id: 'c9', to: 'ae' },
    };
    expect((await receiver.handle(sign(future))).status).toBe(200);
    await receiver.start();
    await waitFor(() => seen.length === 1, { what: 'the onAny handler' });
    await receiver.stop();
    expect(seen[0]).toMatchObject({ type: 'call.transferred', data: { call_id: 'c9', to: 'ae' } });
  });

  it('falls back to the schema version header when the envelope has none', async () => {
    const store = await PostgresStore.create({ db: fromPGlite(db, { ownsDb: false }) });
    const receiver = createReceiver({ store, secrets: [SECRET] });
    const { schema_version: _omitted, ...bare } = sampleEnvelope('trial.ending');
    expect((await receiver.handle(sign({ ...bare, schema_version: undefined }))).status).toBe(200);
    const [job] = await store.claim({ workerId: 'w', limit: 1, leaseMs: 1000, now: new Date() });
    expect(job?.schemaVersion).toBe('2026-09-01');
  });
});

describe('handlers written for a schema version', () => {
  let db: PGlite;
  beforeAll(async () => {
    db = await PGlite.create();
  });
  afterAll(() => db.close());

  async function run(
    envelope: Record<string, unknown>,
    register: (receiver: ReturnType<typeof createReceiver>) => void,
  ) {
    const store = await PostgresStore.create({ db: fromPGlite(db, { ownsDb: false }) });
    const receiver = createReceiver({ store, secrets: [SECRET], worker: { pollIntervalMs: 20 } });
    register(receiver);
    expect((await receiver.handle(sign(envelope))).status).toBe(200);
    return receiver;
  }

  it('a handler for 2026-04-10 gets reason_codes and no lead.score from a 2026-09-01 delivery', async () => {
    const delivered = sampleEnvelope('lead.disqualified', { seed: 3 });
    const seen: VersionedEvent<'2026-04-10', 'lead.disqualified'>[] = [];
    const receiver = await run(delivered as unknown as Record<string, unknown>, (r) =>
      r.on('lead.disqualified', { version: '2026-04-10' }, (event) => {
        seen.push(event);
      }),
    );
    await receiver.start();
    await waitFor(() => seen.length === 1, { what: 'the 2026-04-10 handler' });
    await receiver.stop();
    const event = seen[0]!;
    expect(event.schemaVersion).toBe('2026-04-10');
    expect(event.data.reason_codes).toEqual(delivered.data.reasons.map((reason) => reason.code));
    expect(event.data).not.toHaveProperty('reasons');
    expect(event.data.lead).not.toHaveProperty('score');
    // The envelope stays as delivered.
    expect(event.envelope.schema_version).toBe('2026-09-01');
  });

  it('a handler for 2026-09-01 gets reasons (note null) and lead.score null from a 2026-04-10 delivery', async () => {
    const delivered = sampleVersionedEnvelope('lead.disqualified', { seed: 4, version: '2026-04-10' });
    const codes = delivered.data.reason_codes as string[];
    const seen: VersionedEvent<'2026-09-01', 'lead.disqualified'>[] = [];
    const plain: ReceivedEvent<'call.ended'>[] = [];
    const receiver = await run(delivered as unknown as Record<string, unknown>, (r) =>
      r
        .on('lead.disqualified', { version: '2026-09-01' }, (event) => {
          seen.push(event);
        })
        .on('call.ended', (event) => {
          plain.push(event);
        }),
    );
    await receiver.start();
    await waitFor(() => seen.length === 1, { what: 'the 2026-09-01 handler' });
    await receiver.stop();
    expect(seen[0]!.schemaVersion).toBe('2026-09-01');
    expect(seen[0]!.data.reasons).toEqual(codes.map((code) => ({ code, note: null })));
    expect(seen[0]!.data.lead.score).toBeNull();
    expect(plain).toHaveLength(0);
  });

  it('a handler without a version gets the payload as delivered', async () => {
    const delivered = sampleVersionedEnvelope('lead.disqualified', { seed: 5, version: '2026-04-10' });
    const seen: ReceivedEvent<'lead.disqualified'>[] = [];
    const receiver = await run(delivered as unknown as Record<string, unknown>, (r) =>
      r.on('lead.disqualified', (event) => {
        seen.push(event);
      }),
    );
    await receiver.start();
    await waitFor(() => seen.length === 1, { what: 'the plain handler' });
    await receiver.stop();
    expect(seen[0]!.schemaVersion).toBe('2026-04-10');
    expect(seen[0]!.data).toEqual(delivered.data);
  });
});
