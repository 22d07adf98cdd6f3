import { sampleData } from '@bookflow/events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BACKENDS, openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { ADMIN_TOKEN, eventually, testPlatform } from '../support/platform.ts';
import { startReceiver, type TestReceiver } from '../support/receiver.ts';

describe.each(BACKENDS)('secrets never reach the logs (%s)', (backend) => {
  let database: TestDatabase;
  let t: Awaited<ReturnType<typeof testPlatform>>;
  const servers: TestReceiver[] = [];

  beforeEach(async () => {
    database = await openTestDatabase(backend);
  });

  afterEach(async () => {
    await t.platform.stop();
    await Promise.all(servers.splice(0).map((s) => s.close()));
    await database.close();
  });

  it('through create, deliver, rotate, fail, dead-letter, notify and replay', async () => {
    let healthy = true;
    const endpoint = await startReceiver(() => (healthy ? { status: 200 } : { status: 500, body: 'nope' }));
    const slack = await startReceiver(() => ({ status: 500, body: 'slack is down' }));
    const pagerduty = await startReceiver(() => ({ status: 400, body: '{"status":"invalid event"}' }));
    servers.push(endpoint, slack, pagerduty);
    t = await testPlatform(database.db, { retryScheduleMs: [10, 10], pagerdutyEventsUrl: pagerduty.url });

    const slackUrl = `${slack.url}/T000/B000/XXXXSLACKSECRETXXXX`;
    const account = await t.createAccount({
      slack_webhook_url: slackUrl,
      pagerduty_routing_key: 'PDROUTINGKEYSECRET01',
    });
    const extraKey = ((await t.call('POST', '/v1/api-keys', account.api_key, {})).body as { key: string })
      .key;
    const ep = await t.createEndpoint(account.api_key, endpoint.url);
    await t.publish(account.api_key, 'meeting.booked', sampleData('meeting.booked', { seed: 1 }));
    await endpoint.waitFor(1);
    const rotated = await t.call('POST', `/v1/endpoints/${ep.id}/rotate-secret`, account.api_key, {
      overlap_seconds: 60,
    });
    const newSecret = (rotated.body as { secret: string }).secret;

    healthy = false;
    await t.publish(account.api_key, 'meeting.booked', sampleData('meeting.booked', { seed: 2 }));
    await endpoint.waitFor(4);
    await Promise.all([slack.waitFor(1), pagerduty.waitFor(1)]);
    const dead = await eventually(async () => {
      const res = await t.call('GET', '/v1/deliveries?status=dead', account.api_key);
      return (res.body as { data: Array<{ id: string }> }).data[0];
    });
    healthy = true;
    await t.call('POST', `/v1/deliveries/${dead.id}/replay`, account.api_key);
    await endpoint.waitFor(5);
    // A request with a bad key is logged too, and must not echo it.
    await t.call('GET', '/v1/endpoints', 'bfk_this-is-a-wrong-key-0123456789');
    await eventually(async () =>
      t.logs.lines.some((l) => l.includes('notification failed') || l.includes('"channel"')),
    );

    const logs = t.logs.lines.join('\n');
    expect(logs).toContain(dead.id); // the logs are useful: they carry ids
    const secrets = [
      ep.secret,
      ep.secret.slice(6),
      newSecret,
      newSecret.slice(6),
      account.api_key,
      extraKey,
      ADMIN_TOKEN,
      'XXXXSLACKSECRETXXXX',
      'PDROUTINGKEYSECRET01',
      'bfk_this-is-a-wrong-key-0123456789',
      t.platform.config.masterKey.toString('hex'),
      t.platform.config.masterKey.toString('base64'),
    ];
    for (const secret of secrets) expect(logs).not.toContain(secret);
    // The signature headers of attempts are not logged either.
    expect(logs).not.toMatch(/v1,[A-Za-z0-9+/]{43}=/);
    expect(logs).not.toMatch(/sha256=[0-9a-f]{64}/);
  });
});
