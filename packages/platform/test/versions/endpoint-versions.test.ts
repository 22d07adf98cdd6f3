import {
  type EventType,
  type SchemaVersion,
  sampleData,
  schemaFor,
  verifyBookFlow,
  verifyStandard,
} from '@bookflow/events';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { ADMIN_TOKEN, testPlatform } from '../support/platform.ts';
import { startReceiver, type TestReceiver } from '../support/receiver.ts';

const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;
const ajv = new Ajv({ strict: false });
addFormats(ajv);
const validData = (type: EventType, version: SchemaVersion, data: unknown) =>
  ajv.validate(schemaFor(type, version) as object, data);

describe.each(BACKENDS)('schema versions pinned per endpoint (%s)', (backend) => {
  let database: TestDatabase;
  let t: Awaited<ReturnType<typeof testPlatform>>;
  const receivers: TestReceiver[] = [];

  beforeAll(async () => {
    database = await openTestDatabase(backend);
    t = await testPlatform(database.db);
  });

  afterAll(async () => {
    await t.platform.stop();
    await Promise.all(receivers.splice(0).map((r) => r.close()));
    await database.close();
  });

  async function receiver() {
    const r = await startReceiver();
    receivers.push(r);
    return r;
  }

  /** An account as existing accounts are after migration 0006: default version 2026-04-10. */
  async function oldAccount() {
    return t.createAccount({ default_schema_version: '2026-04-10' });
  }

  it('new accounts default to the newest version, and their endpoints with them', async () => {
    const account = await t.createAccount();
    const me = await t.call('GET', '/v1/account', account.api_key);
    expect(me.body).toMatchObject({ default_schema_version: '2026-09-01' });
    const ep = await t.call('POST', '/v1/endpoints', account.api_key, {
      url: 'http://127.0.0.1:9/hook',
      event_types: ['meeting.completed'],
    });
    expect(ep.status).toBe(201);
    expect(ep.body).toMatchObject({ schema_version: '2026-09-01' });
  });

  it('an endpoint on 2026-04-10 cannot subscribe to meeting.completed: 422 naming the version it needs', async () => {
    const account = await oldAccount();
    const refused = await t.call('POST', '/v1/endpoints', account.api_key, {
      url: 'http://127.0.0.1:9/hook',
      event_types: ['meeting.booked', 'meeting.completed'],
    });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({
      code: 'event_type_not_in_version',
      event_types: ['meeting.completed'],
      schema_version: '2026-04-10',
      required_version: '2026-09-01',
    });
    expect((refused.body as { detail: string }).detail).toContain('2026-09-01');
    expect((await t.call('GET', '/v1/endpoints', account.api_key)).body).toMatchObject({ data: [] });

    const ep = await t.createEndpoint(account.api_key, 'http://127.0.0.1:9/hook', ['meeting.booked']);
    const patched = await t.call('PATCH', `/v1/endpoints/${ep.id}`, account.api_key, {
      event_types: ['meeting.completed'],
    });
    expect(patched.status).toBe(422);
    expect(patched.body).toMatchObject({ code: 'event_type_not_in_version' });
    // Upgrading and subscribing in one PATCH works; moving back down while subscribed does not.
    const upgraded = await t.call('PATCH', `/v1/endpoints/${ep.id}`, account.api_key, {
      schema_version: '2026-09-01',
      event_types: ['meeting.completed'],
    });
    expect(upgraded.body).toMatchObject({ schema_version: '2026-09-01', event_types: ['meeting.completed'] });
    const down = await t.call('PATCH', `/v1/endpoints/${ep.id}`, account.api_key, {
      schema_version: '2026-04-10',
    });
    expect(down.status).toBe(422);
    const unknown = await t.call('PATCH', `/v1/endpoints/${ep.id}`, account.api_key, {
      schema_version: '2025-01-01',
    });
    expect(unknown.status).toBe(400);
  });

  it('each endpoint gets what its version schema says, signed over the converted body, with the header saying the version', async () => {
    const account = await oldAccount();
    const [oldR, newR] = [await receiver(), await receiver()];
    const types = ['lead.disqualified', 'call.ended'];
    const oldEp = await t.createEndpoint(account.api_key, oldR.url, types);
    const newEp = await t.call('POST', '/v1/endpoints', account.api_key, {
      url: newR.url,
      event_types: [...types, 'meeting.completed'],
      schema_version: '2026-09-01',
    });
    const newSecret = (newEp.body as { secret: string }).secret;
    const published: Array<[EventType, unknown]> = [
      ['lead.disqualified', sampleData('lead.disqualified', { seed: 11 })],
      ['call.ended', sampleData('call.ended', { seed: 12 })],
      ['meeting.completed', sampleData('meeting.completed', { seed: 13 })],
    ];
    for (const [type, data] of published)
      expect((await t.publish(account.api_key, type, data)).status).toBe(202);
    await newR.waitFor(3);
    await oldR.waitFor(2);

    for (const [r, secret, version] of [
      [oldR, oldEp.secret, '2026-04-10'],
      [newR, newSecret, '2026-09-01'],
    ] as const) {
      for (const req of r.requests) {
        const envelope = JSON.parse(req.body);
        expect(envelope.schema_version).toBe(version);
        expect(req.headers['x-bookflow-schema-version']).toBe(version);
        expect(validData(envelope.type, version, envelope.data), `${version} ${envelope.type}`).toBe(true);
        verifyBookFlow({ headers: req.headers, body: req.body, secrets: [secret] });
        expect(verifyStandard({ headers: req.headers, body: req.body, secrets: [secret] }).id).toBe(
          envelope.id,
        );
        expect(new Webhook(secret).verify(req.body, req.headers as Record<string, string>)).toEqual(envelope);
      }
    }
    const oldDisqualified = JSON.parse(
      oldR.requests.find((r) => r.body.includes('"lead.disqualified"'))!.body,
    );
    const sent = published[0]![1] as { reasons: Array<{ code: string }> };
    expect(oldDisqualified.data.reason_codes).toEqual(sent.reasons.map((reason) => reason.code));
    expect(oldDisqualified.data).not.toHaveProperty('reasons');
    expect(oldDisqualified.data.lead).not.toHaveProperty('score');
    expect(oldR.requests.map((r) => JSON.parse(r.body).type)).not.toContain('meeting.completed');
    const newDisqualified = JSON.parse(
      newR.requests.find((r) => r.body.includes('"lead.disqualified"'))!.body,
    );
    expect(newDisqualified.data).toEqual(sent);

    // After an upgrade, the endpoint gets the newest shape.
    await t.call('PATCH', `/v1/endpoints/${oldEp.id}`, account.api_key, { schema_version: '2026-09-01' });
    await t.publish(account.api_key, 'lead.disqualified', sampleData('lead.disqualified', { seed: 14 }));
    await oldR.waitFor(3);
    const after = oldR.requests[2]!;
    expect(after.headers['x-bookflow-schema-version']).toBe('2026-09-01');
    expect(JSON.parse(after.body).data).toHaveProperty('reasons');
  });

  it('publishing takes the newest version only', async () => {
    const account = await t.createAccount();
    const old = sampleData('lead.disqualified', { seed: 2 }) as unknown as Record<string, unknown>;
    const { reasons: _reasons, ...rest } = old;
    const res = await t.publish(account.api_key, 'lead.disqualified', {
      ...rest,
      reason_codes: ['no_budget'],
    });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'invalid_event_data' });
  });

  it('preview shows what the endpoint would receive, in its version or the one asked', async () => {
    const account = await oldAccount();
    const ep = await t.createEndpoint(account.api_key, 'http://127.0.0.1:9/hook', ['lead.disqualified']);
    const own = await t.call('POST', `/v1/endpoints/${ep.id}/preview`, account.api_key, {
      type: 'lead.disqualified',
    });
    expect(own.status).toBe(200);
    const body = own.body as {
      schema_version: string;
      headers: Record<string, string>;
      body: { data: unknown };
    };
    expect(body.schema_version).toBe('2026-04-10');
    expect(body.headers['X-BookFlow-Schema-Version']).toBe('2026-04-10');
    expect(validData('lead.disqualified', '2026-04-10', body.body.data)).toBe(true);
    expect(body.body.data).toHaveProperty('reason_codes');

    const newer = await t.call('POST', `/v1/endpoints/${ep.id}/preview`, account.api_key, {
      type: 'meeting.completed',
      version: '2026-09-01',
    });
    expect(newer.body).toMatchObject({ schema_version: '2026-09-01', body: { type: 'meeting.completed' } });
    const missing = await t.call('POST', `/v1/endpoints/${ep.id}/preview`, account.api_key, {
      type: 'meeting.completed',
    });
    expect(missing.status).toBe(422);
    expect(missing.body).toMatchObject({ code: 'event_type_not_in_version', required_version: '2026-09-01' });
    const other = await t.createAccount();
    expect(
      (await t.call('POST', `/v1/endpoints/${ep.id}/preview`, other.api_key, { type: 'call.ended' })).status,
    ).toBe(404);
    expect(
      (await t.call('POST', `/v1/endpoints/${ep.id}/preview`, account.api_key, { type: 'call.nope' })).status,
    ).toBe(422);
  });

  it('the catalogue serves each version; the changelog is an Atom feed', async () => {
    const newest = await t.call('GET', '/v1/event-types', null);
    const old = await t.call('GET', '/v1/event-types?version=2026-04-10', null);
    type Catalogue = {
      schema_version: string;
      data: Array<{ type: string; example: Record<string, unknown> }>;
    };
    expect((newest.body as Catalogue).schema_version).toBe('2026-09-01');
    expect((newest.body as Catalogue).data.map((d) => d.type)).toContain('meeting.completed');
    const oldTypes = (old.body as Catalogue).data;
    expect((old.body as Catalogue).schema_version).toBe('2026-04-10');
    expect(oldTypes.map((d) => d.type)).not.toContain('meeting.completed');
    expect(oldTypes.find((d) => d.type === 'lead.disqualified')?.example).toHaveProperty('reason_codes');
    expect((await t.call('GET', '/v1/event-types?version=1999-01-01', null)).status).toBe(400);

    const feed = await t.platform.api!.inject({ method: 'GET', url: '/v1/changelog.atom' });
    expect(feed.statusCode).toBe(200);
    expect(feed.headers['content-type']).toContain('application/atom+xml');
    expect(XMLValidator.validate(feed.body)).toBe(true);
    const parsed = new XMLParser({ ignoreAttributes: false }).parse(feed.body);
    expect(parsed.feed['@_xmlns']).toBe('http://www.w3.org/2005/Atom');
    const entries = parsed.feed.entry as Array<{ title: { '#text': string }; updated: string; id: string }>;
    expect(entries.map((e) => e.title['#text'])).toEqual([
      'Schema version 2026-09-01',
      'Schema version 2026-04-10',
    ]);
    expect(entries[0]!.updated).toContain('2026-09-01');
    expect(feed.body).toContain('Supported until 2027-09-01');
  });

  it('an admin can set an account default version; the account can too', async () => {
    const account = await t.createAccount();
    const res = await t.call('PATCH', `/v1/accounts/${account.id}`, ADMIN_TOKEN, {
      default_schema_version: '2026-04-10',
    });
    expect(res.body).toMatchObject({ default_schema_version: '2026-04-10' });
    const own = await t.call('PATCH', '/v1/account', account.api_key, {
      default_schema_version: '2026-09-01',
    });
    expect(own.body).toMatchObject({ default_schema_version: '2026-09-01' });
  });
});
