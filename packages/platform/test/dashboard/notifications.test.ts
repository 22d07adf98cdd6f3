import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { testPlatform } from '../support/platform.ts';
import { startReceiver, type TestReceiver } from '../support/receiver.ts';

describe.each(BACKENDS)('notification settings routes (%s)', (backend) => {
  let database: TestDatabase;
  let t: Awaited<ReturnType<typeof testPlatform>>;
  let slack: TestReceiver;
  let pagerduty: TestReceiver;

  beforeAll(async () => {
    database = await openTestDatabase(backend);
    // Stand-ins that answer as the vendors document: Slack "ok" with 200, PagerDuty 202 with a status.
    slack = await startReceiver(() => ({ status: 200, body: 'ok' }));
    pagerduty = await startReceiver(() => ({
      status: 202,
      headers: { 'content-type': 'application/json' },
      body: '{"status":"success","message":"Event processed","dedup_key":"x"}',
    }));
    t = await testPlatform(database.db, { pagerdutyEventsUrl: pagerduty.url });
  });
  afterAll(async () => {
    await t.platform.stop();
    await slack.close();
    await pagerduty.close();
    await database.close();
  });

  it('sets, shows masked, tests and removes Slack and PagerDuty', async () => {
    const { api_key: key, id } = await t.createAccount();
    const empty = await t.call('GET', '/v1/account/notifications', key);
    expect(empty.body).toEqual({
      slack: { configured: false, masked: null },
      pagerduty: { configured: false, masked: null },
    });
    const untested = await t.call('POST', '/v1/account/notifications/slack/test', key);
    expect(untested.status).toBe(409);
    expect((untested.body as { code: string }).code).toBe('notification_not_configured');

    const slackUrl = `${slack.url}/T000/B000/secretpartXYZ1`;
    const set = await t.call('PUT', '/v1/account/notifications/slack', key, { value: slackUrl });
    expect(set.status).toBe(200);
    const routingKey = 'R0123456789abcdef0123456789abcd9';
    await t.call('PUT', '/v1/account/notifications/pagerduty', key, { value: routingKey });
    const shown = await t.call('GET', '/v1/account/notifications', key);
    const text = JSON.stringify(shown.body);
    expect(text).not.toContain('secretpart');
    expect(text).not.toContain(routingKey);
    expect(shown.body).toMatchObject({
      slack: { configured: true, masked: expect.stringMatching(/XYZ1$/) },
      pagerduty: { configured: true, masked: expect.stringMatching(/bcd9$/) },
    });

    const slackTest = await t.call('POST', '/v1/account/notifications/slack/test', key);
    expect(slackTest.body).toEqual({ channel: 'slack', ok: true, error: null });
    expect(slack.requests.at(-1)!.path).toBe('/hook/T000/B000/secretpartXYZ1');
    expect(JSON.parse(slack.requests.at(-1)!.body).text).toContain(id);
    const pdTest = await t.call('POST', '/v1/account/notifications/pagerduty/test', key);
    expect(pdTest.body).toEqual({ channel: 'pagerduty', ok: true, error: null });
    const event = JSON.parse(pagerduty.requests.at(-1)!.body);
    expect(event).toMatchObject({
      routing_key: routingKey,
      event_action: 'trigger',
      payload: { severity: 'info' },
    });

    const removed = await t.call('DELETE', '/v1/account/notifications/slack', key);
    expect(removed.body).toMatchObject({
      slack: { configured: false, masked: null },
      pagerduty: { configured: true },
    });
    expect(t.logs.lines.join('\n')).not.toContain('secretpart');
  });

  it('refuses a bad URL, a bad key and an unknown channel, writing nothing', async () => {
    const { api_key: key } = await t.createAccount();
    const badUrl = await t.call('PUT', '/v1/account/notifications/slack', key, { value: 'ftp://x' });
    expect(badUrl.status).toBe(422);
    const badKey = await t.call('PUT', '/v1/account/notifications/pagerduty', key, { value: 'no spaces!' });
    expect(badKey.status).toBe(400);
    expect((await t.call('PUT', '/v1/account/notifications/email', key, { value: 'a' })).status).toBe(400);
    const shown = await t.call('GET', '/v1/account/notifications', key);
    expect(shown.body).toMatchObject({ slack: { configured: false }, pagerduty: { configured: false } });
  });
});
