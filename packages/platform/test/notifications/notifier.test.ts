import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createNotifier,
  type DeadLetterNotice,
  type EndpointDisabledNotice,
} from '../../src/notifications/index.ts';
import { closedPort, type LocalServer, startServer } from '../delivery-http/local-server.ts';

const ROUTING_KEY = 'R0UT1NGKEY0000000000000000000042';
const SLACK_PATH = '/services/T0000/B0000/slackSecretToken123';
const DASHBOARD = 'https://app.bookflow.test/integrations';

const notice: DeadLetterNotice = {
  accountId: 'acc_1',
  endpointId: 'ep_1',
  endpointUrl: 'https://hooks.example.com/bookflow?team=<sales>&x=1',
  deliveryId: 'c1d8b4c6-1f6e-4a43-9b7e-5f0b2d7c9a10',
  eventId: '7d3c7a43-64f3-4f65-9a4c-42d1c0b6e6b1',
  eventType: 'meeting.booked',
  attempts: 7,
  lastError: 'upstream timed out',
  lastStatusCode: 504,
  deadLetteredAt: new Date('2026-04-11T19:12:30.000Z'),
};

const disabled: EndpointDisabledNotice = {
  accountId: 'acc_1',
  endpointId: 'ep_1',
  endpointUrl: 'https://hooks.example.com/bookflow',
  reason: 'the endpoint answered 410 Gone',
  lastStatusCode: 410,
  heldDeliveries: 12,
  disabledAt: new Date('2026-04-10T08:00:00.000Z'),
};

const servers: LocalServer[] = [];

/** Answers like Slack's incoming webhook: 200 with the body `ok`. */
async function slackServer(status = 200, body = 'ok'): Promise<LocalServer> {
  const s = await startServer((_req, res) => {
    res.writeHead(status, { 'content-type': 'text/plain' });
    res.end(body);
  });
  servers.push(s);
  return s;
}

/** Answers like PagerDuty's Events API v2: 202 with status, message and the dedup key. */
async function pagerdutyServer(status = 202): Promise<LocalServer> {
  const s = await startServer((_req, res, raw) => {
    const event = JSON.parse(raw.toString('utf8')) as { dedup_key: string; routing_key: string };
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify(
        status === 202
          ? { status: 'success', message: 'Event processed', dedup_key: event.dedup_key }
          : // Echo the key back, as a careless proxy might, to prove it is redacted.
            {
              status: 'invalid event',
              message: 'Event object is invalid',
              errors: [`bad key ${event.routing_key}`],
            },
      ),
    );
  });
  servers.push(s);
  return s;
}

function jsonOf(server: LocalServer, index = 0): Record<string, unknown> {
  return JSON.parse(server.requests[index]!.body.toString('utf8')) as Record<string, unknown>;
}

function captureLogs() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('deadLetter', () => {
  it('sends the exact PagerDuty Events v2 trigger and a Slack message', async () => {
    const slack = await slackServer();
    const pd = await pagerdutyServer();
    const notifier = createNotifier({ pagerdutyEventsUrl: `${pd.url}/v2/enqueue`, dashboardUrl: DASHBOARD });

    const outcomes = await notifier.deadLetter(
      { slackWebhookUrl: `${slack.url}${SLACK_PATH}`, pagerdutyRoutingKey: ROUTING_KEY },
      notice,
    );

    expect(outcomes).toEqual([
      { channel: 'slack', ok: true, error: null },
      { channel: 'pagerduty', ok: true, error: null },
    ]);
    expect(pd.requests[0]?.url).toBe('/v2/enqueue');
    expect(pd.requests[0]?.headers['content-type']).toBe('application/json');
    expect(jsonOf(pd)).toEqual({
      routing_key: ROUTING_KEY,
      event_action: 'trigger',
      dedup_key: `bookflow-dead-letter-${notice.deliveryId}`,
      payload: {
        summary:
          'BookFlow webhook dead-lettered: meeting.booked to https://hooks.example.com/bookflow?team=<sales>&x=1 ' +
          'after 7 attempts (HTTP 504: upstream timed out)',
        source: 'hooks.example.com',
        severity: 'error',
        timestamp: '2026-04-11T19:12:30.000Z',
        component: 'endpoint:ep_1',
        group: 'account:acc_1',
        class: 'webhook_dead_letter',
        custom_details: {
          account_id: 'acc_1',
          endpoint_id: 'ep_1',
          endpoint_url: notice.endpointUrl,
          delivery_id: notice.deliveryId,
          event_id: notice.eventId,
          event_type: 'meeting.booked',
          attempts: 7,
          last_status_code: 504,
          last_error: 'upstream timed out',
          dead_lettered_at: '2026-04-11T19:12:30.000Z',
          replay: `POST /v1/deliveries/${notice.deliveryId}/replay`,
        },
      },
      client: 'BookFlow Webhooks',
      client_url: DASHBOARD,
      links: [{ href: DASHBOARD, text: 'BookFlow dashboard' }],
    });

    expect(slack.requests[0]?.url).toBe(SLACK_PATH);
    expect(slack.requests[0]?.headers['content-type']).toBe('application/json');
    const message = jsonOf(slack) as { text: string; blocks: { type: string; [k: string]: unknown }[] };
    expect(message.text).toBe(
      'Webhook delivery dead-lettered: meeting.booked to https://hooks.example.com/bookflow?team=<sales>&x=1 ' +
        'after 7 attempts (last error: HTTP 504: upstream timed out)',
    );
    expect(message.blocks.map((b) => b.type)).toEqual(['header', 'section', 'section', 'context']);
    const fields = (message.blocks[2] as unknown as { fields: { text: string }[] }).fields.map((f) => f.text);
    expect(fields).toEqual([
      '*Event type*\nmeeting.booked',
      '*Attempts*\n7',
      '*Last error*\nHTTP 504: upstream timed out',
      '*Dead-lettered at*\n2026-04-11T19:12:30.000Z',
      `*Delivery id*\n${notice.deliveryId}`,
      `*Event id*\n${notice.eventId}`,
      '*Endpoint id*\nep_1',
    ]);
    const intro = JSON.stringify(message.blocks[1]);
    // mrkdwn control characters from the customer's URL are escaped.
    expect(intro).toContain('https://hooks.example.com/bookflow?team=&lt;sales&gt;&amp;x=1');
    const replay = JSON.stringify(message.blocks[3]);
    expect(replay).toContain(`POST /v1/deliveries/${notice.deliveryId}/replay`);
    expect(replay).toContain(`<${DASHBOARD}|BookFlow dashboard>`);
  });

  it('reports a channel answering 500 without throwing, and still sends the other', async () => {
    const slack = await slackServer(500, 'internal_error');
    const pd = await pagerdutyServer();
    const outcomes = await createNotifier({ pagerdutyEventsUrl: pd.url }).deadLetter(
      { slackWebhookUrl: `${slack.url}${SLACK_PATH}`, pagerdutyRoutingKey: ROUTING_KEY },
      notice,
    );
    expect(outcomes[0]).toMatchObject({ channel: 'slack', ok: false });
    expect(outcomes[0]?.error).toContain('500');
    expect(outcomes[0]?.error).toContain('internal_error');
    expect(outcomes[1]).toEqual({ channel: 'pagerduty', ok: true, error: null });
  });

  it('reports PagerDuty answering 500 without throwing', async () => {
    const pd = await pagerdutyServer(500);
    const outcomes = await createNotifier({ pagerdutyEventsUrl: pd.url }).deadLetter(
      { pagerdutyRoutingKey: ROUTING_KEY },
      notice,
    );
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toMatchObject({ channel: 'pagerduty', ok: false });
    expect(outcomes[0]?.error).toContain('HTTP 500');
  });

  it('reports refused connections on both channels without throwing', async () => {
    const port = await closedPort();
    const outcomes = await createNotifier({
      pagerdutyEventsUrl: `http://127.0.0.1:${port}/v2/enqueue`,
    }).deadLetter(
      { slackWebhookUrl: `http://127.0.0.1:${port}${SLACK_PATH}`, pagerdutyRoutingKey: ROUTING_KEY },
      notice,
    );
    expect(outcomes.map((o) => [o.channel, o.ok])).toEqual([
      ['slack', false],
      ['pagerduty', false],
    ]);
    for (const outcome of outcomes) expect(outcome.error).toContain('ECONNREFUSED');
  });

  it('gives up on a channel that never answers after timeoutMs', async () => {
    const silent = await startServer(() => {});
    servers.push(silent);
    const started = Date.now();
    const outcomes = await createNotifier({ timeoutMs: 200 }).deadLetter(
      { slackWebhookUrl: `${silent.url}${SLACK_PATH}` },
      notice,
    );
    expect(outcomes[0]).toMatchObject({ channel: 'slack', ok: false });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('sends nothing when no channel is configured', async () => {
    const slack = await slackServer();
    const pd = await pagerdutyServer();
    const notifier = createNotifier({ pagerdutyEventsUrl: pd.url });
    expect(await notifier.deadLetter({}, notice)).toEqual([]);
    expect(await notifier.deadLetter({ slackWebhookUrl: null, pagerdutyRoutingKey: null }, notice)).toEqual(
      [],
    );
    expect(await notifier.deadLetter({ slackWebhookUrl: '', pagerdutyRoutingKey: '  ' }, notice)).toEqual([]);
    expect(slack.requests).toHaveLength(0);
    expect(pd.requests).toHaveLength(0);
    expect(slack.connections() + pd.connections()).toBe(0);
  });

  it('warns once per account, naming the missing settings, when no channel is configured', async () => {
    const { logger, lines } = captureLogs();
    const notifier = createNotifier({ logger });
    for (let i = 0; i < 3; i += 1) expect(await notifier.deadLetter({}, notice)).toEqual([]);
    await notifier.deadLetter(
      { slackWebhookUrl: null, pagerdutyRoutingKey: '' },
      { ...notice, accountId: 'acc_2' },
    );
    const warnings = lines.map((l) => JSON.parse(l) as { level: number; msg: string; account_id: string });
    expect(warnings.map((w) => w.account_id)).toEqual(['acc_1', 'acc_2']);
    for (const w of warnings) {
      expect(w.level).toBe(40);
      expect(w.msg).toContain('slack_webhook_url');
      expect(w.msg).toContain('pagerduty_routing_key');
      expect(w.msg).toContain('PATCH /v1/account');
    }
  });

  it('logs failures with ids but never the routing key or the Slack URL', async () => {
    const slack = await slackServer(403, 'invalid_token');
    const pd = await pagerdutyServer(400);
    const { logger, lines } = captureLogs();
    const outcomes = await createNotifier({ pagerdutyEventsUrl: pd.url, logger }).deadLetter(
      { slackWebhookUrl: `${slack.url}${SLACK_PATH}`, pagerdutyRoutingKey: ROUTING_KEY },
      notice,
    );
    expect(outcomes.every((o) => !o.ok)).toBe(true);
    expect(outcomes[1]?.error).toContain('[redacted]');
    const logged = lines.join('');
    expect(lines).toHaveLength(2);
    expect(logged).toContain(notice.deliveryId);
    expect(logged).toContain('account notification failed');
    for (const text of [logged, JSON.stringify(outcomes)]) {
      expect(text).not.toContain(ROUTING_KEY);
      expect(text).not.toContain('slackSecretToken123');
    }
  });

  it('keeps the PagerDuty summary within 1024 characters', async () => {
    const pd = await pagerdutyServer();
    const long = {
      ...notice,
      endpointUrl: `https://hooks.example.com/${'a'.repeat(3_000)}`,
      lastError: 'e'.repeat(10_000),
    };
    await createNotifier({ pagerdutyEventsUrl: pd.url }).deadLetter(
      { pagerdutyRoutingKey: ROUTING_KEY },
      long,
    );
    const payload = jsonOf(pd).payload as { summary: string; custom_details: { last_error: string } };
    expect(payload.summary).toHaveLength(1_024);
    expect(payload.summary.endsWith('…')).toBe(true);
    expect(payload.custom_details.last_error.length).toBeLessThanOrEqual(4_000);
  });

  it('describes a failure with no status code and no error text', async () => {
    const pd = await pagerdutyServer();
    await createNotifier({ pagerdutyEventsUrl: pd.url }).deadLetter(
      { pagerdutyRoutingKey: ROUTING_KEY },
      { ...notice, lastStatusCode: null, lastError: null },
    );
    const payload = jsonOf(pd).payload as { summary: string };
    expect(payload.summary).toMatch(/after 7 attempts \(unknown error\)$/);
  });
});

describe('endpointDisabled', () => {
  it('sends an endpoint-disabled alert to both channels', async () => {
    const slack = await slackServer();
    const pd = await pagerdutyServer();
    const outcomes = await createNotifier({ pagerdutyEventsUrl: pd.url }).endpointDisabled(
      { slackWebhookUrl: `${slack.url}${SLACK_PATH}`, pagerdutyRoutingKey: ROUTING_KEY },
      disabled,
    );
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(jsonOf(pd)).toEqual({
      routing_key: ROUTING_KEY,
      event_action: 'trigger',
      dedup_key: 'bookflow-endpoint-disabled-ep_1',
      payload: {
        summary:
          'BookFlow webhook endpoint disabled: https://hooks.example.com/bookflow (the endpoint answered 410 Gone)',
        source: 'hooks.example.com',
        severity: 'error',
        timestamp: '2026-04-10T08:00:00.000Z',
        component: 'endpoint:ep_1',
        group: 'account:acc_1',
        class: 'webhook_endpoint_disabled',
        custom_details: {
          account_id: 'acc_1',
          endpoint_id: 'ep_1',
          endpoint_url: 'https://hooks.example.com/bookflow',
          reason: 'the endpoint answered 410 Gone',
          last_status_code: 410,
          held_deliveries: 12,
          disabled_at: '2026-04-10T08:00:00.000Z',
          re_enable: 'PATCH /v1/endpoints/ep_1',
        },
      },
    });
    const message = jsonOf(slack) as { text: string; blocks: unknown[] };
    expect(message.text).toBe(
      'Webhook endpoint disabled: https://hooks.example.com/bookflow (the endpoint answered 410 Gone)',
    );
    expect(JSON.stringify(message.blocks)).toContain('12 deliveries are held, not lost');
  });
});
