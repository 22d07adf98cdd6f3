import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EVENT_TYPES, sampleData } from '@bookflow/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../../packages/platform/test/support/platform.ts';
import { startHookCatcher } from '../../shared/test-support/hook-catcher.ts';
import { startRunningPlatform } from '../../shared/test-support/running-platform.ts';
import { APP_DIR } from '../src/generate.ts';
import { render } from './iml.ts';

// The requests the Make app describes, rendered with a test connection and parameters as Make
// would render them, and sent to a real platform (PGlite) on 127.0.0.1: the connection test,
// the event-type RPC, and a webhook's attach and detach. A scenario's webhook URL is a stand-in
// server, so a real delivery can be fed to the trigger's output template too.

const readJson = <T>(path: string) => JSON.parse(readFileSync(join(APP_DIR, path), 'utf8')) as T;

interface Request {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
  response?: {
    data?: Record<string, string>;
    metadata?: { value: string };
    iterate?: string;
    output?: unknown;
  };
}

const base = readJson<{ baseUrl: string; headers: Record<string, string> }>('general/base.iml.json');

let platform: Awaited<ReturnType<typeof startRunningPlatform>>;
let hook: Awaited<ReturnType<typeof startHookCatcher>>;
let connection: { apiKey: string; apiUrl: string };

beforeAll(async () => {
  platform = await startRunningPlatform();
  hook = await startHookCatcher();
  const account = await platform.createAccount({ name: 'Fieldstack' });
  connection = { apiKey: account.api_key, apiUrl: platform.url };
});

afterAll(async () => {
  await hook?.close();
  await platform?.close();
});

/** Sends one rendered request as Make does: the base's URL and headers first, the module's over them. */
async function send(template: Request, scope: Record<string, unknown>, withBase = true) {
  const request = render(template, scope) as Request;
  const prefix = withBase ? (render(base.baseUrl, scope) as string) : '';
  const headers = {
    ...(withBase ? (render(base.headers, scope) as Record<string, string>) : {}),
    ...request.headers,
    ...(request.body !== undefined ? { 'content-type': 'application/json' } : {}),
  };
  const response = await fetch(`${prefix}${request.url}`, {
    method: request.method ?? 'GET',
    headers,
    ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : null };
}

describe('the Make app against a running platform', () => {
  it("the connection test reads the account and labels the connection with the account's name", async () => {
    const test = readJson<Request>('connections/bookflow-api-key/bookflow-api-key.communication.iml.json');
    const ok = await send(test, { parameters: connection }, false);
    expect(ok.status).toBe(200);
    expect(render(test.response!.metadata!.value, { body: ok.body })).toBe('Fieldstack');
    const wrong = await send(test, { parameters: { ...connection, apiKey: 'bfk_live_wrong' } }, false);
    expect(wrong.status).toBe(401);
  });

  it('the event-type RPC lists every type of the catalogue', async () => {
    const rpc = readJson<Request>('rpcs/list-event-types/list-event-types.communication.iml.json');
    const answer = await send(rpc, { connection });
    const items = render(rpc.response!.iterate!, { body: answer.body }) as { type: string }[];
    const options = items.map((item) => render(rpc.response!.output, { item }));
    expect(options).toEqual(EVENT_TYPES.map((t) => ({ label: t, value: t })));
  });

  it('attach creates the endpoint for the scenario webhook, a delivery fills the trigger output, detach deletes it', async () => {
    const dir = 'webhooks/lead-disqualified/lead-disqualified';
    const attach = readJson<Request>(`${dir}.attach.iml.json`);
    const webhook = { url: `${hook.url}/make/abc123` };
    const created = await send(attach, { connection, webhook, parameters: {} });
    expect(created.status).toBe(201);
    const data = render(attach.response!.data, { body: created.body }) as {
      externalHookId: string;
      secret: string;
    };
    expect(data.externalHookId).toMatch(/^ep_/);
    expect(data.secret).toMatch(/^whsec_/);

    const endpoint = await platform.call('GET', `/v1/endpoints/${data.externalHookId}`, connection.apiKey);
    expect(endpoint.body).toMatchObject({
      url: webhook.url,
      event_types: ['lead.disqualified'],
      description: 'Make: lead.disqualified trigger',
    });

    const payload = sampleData('lead.disqualified', { seed: 4 });
    const published = await platform.publish(connection.apiKey, 'lead.disqualified', payload);
    const eventId = (published.body as { id: string }).id;
    const delivery = await eventually(async () => hook.caught.find((r) => r.body.includes(eventId)));
    const module = readJson<{ output: Record<string, string> }>(
      'modules/watch-lead-disqualified/watch-lead-disqualified.communication.iml.json',
    );
    const output = render(module.output, { body: JSON.parse(delivery.body) }) as Record<string, unknown>;
    expect(output).toMatchObject({
      id: eventId,
      lead__name: payload.lead.name,
      lead__email: payload.lead.email,
      reasons: payload.reasons,
      transcript_url: payload.transcript_url,
    });

    const detach = readJson<Request>(`${dir}.detach.iml.json`);
    const deleted = await send(detach, { connection, webhook: { ...webhook, ...data } });
    expect(deleted.status).toBeLessThan(300);
    const gone = await platform.call('GET', `/v1/endpoints/${data.externalHookId}`, connection.apiKey);
    expect(gone.status).toBe(404);
  });
});
