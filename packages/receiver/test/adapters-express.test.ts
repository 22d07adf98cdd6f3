import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { bookflowExpress, captureRawBody } from '../src/express.ts';
import { createReceiver, MemoryStore } from '../src/index.ts';
import { delivery, oddlyFormatted, SECRET } from './helpers/deliveries.ts';

describe('Express middleware', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
  });

  async function listen(app: express.Express): Promise<string> {
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  function setup() {
    const store = new MemoryStore();
    return { store, receiver: createReceiver({ store, secrets: [SECRET] }) };
  }

  async function post(
    base: string,
    d: { headers: Record<string, string>; body: string },
    path = '/webhooks/bookflow',
  ) {
    const response = await request(`${base}${path}`, { method: 'POST', headers: d.headers, body: d.body });
    return { status: response.statusCode, body: (await response.body.json()) as Record<string, unknown> };
  }

  it('verifies with a global express.json({ verify: captureRawBody }) running first', async () => {
    const { store, receiver } = setup();
    const app = express();
    app.use(express.json({ verify: captureRawBody }));
    app.post('/api/leads', (req, res) => {
      res.json({ parsed: req.body });
    });
    app.post('/webhooks/bookflow', bookflowExpress(receiver));
    const base = await listen(app);

    const d = oddlyFormatted('meeting.booked');
    expect(await post(base, d)).toEqual({ status: 200, body: { id: d.id, status: 'accepted' } });
    const tampered = { ...d, body: d.body.replace('1.0', '2.0') };
    expect(await post(base, tampered)).toMatchObject({
      status: 401,
      body: { code: 'no_matching_signature' },
    });
    expect((await store.depth()).queued).toBe(1);
    // The rest of the app still gets parsed JSON.
    const lead = await post(
      base,
      { headers: { 'content-type': 'application/json' }, body: '{"name":"Ada"}' },
      '/api/leads',
    );
    expect(lead.body).toEqual({ parsed: { name: 'Ada' } });
  });

  it('verifies when the route is mounted before a global express.json() (reads the stream itself)', async () => {
    const { store, receiver } = setup();
    const app = express();
    app.post('/webhooks/bookflow', bookflowExpress(receiver));
    app.use(express.json());
    app.post('/api/leads', (req, res) => {
      res.json({ parsed: req.body });
    });
    const base = await listen(app);

    const d = oddlyFormatted('call.ended');
    expect(await post(base, d)).toEqual({ status: 200, body: { id: d.id, status: 'accepted' } });
    expect((await store.depth()).queued).toBe(1);
    const lead = await post(
      base,
      { headers: { 'content-type': 'application/json' }, body: '{"name":"Ada"}' },
      '/api/leads',
    );
    expect(lead.body).toEqual({ parsed: { name: 'Ada' } });
  });

  it('verifies with express.raw({ type: "*/*" }) on the route, before the global parser', async () => {
    const { receiver } = setup();
    const app = express();
    app.post('/webhooks/bookflow', express.raw({ type: '*/*' }), bookflowExpress(receiver));
    app.use(express.json());
    const base = await listen(app);
    const d = delivery('lead.disqualified');
    expect(await post(base, d)).toEqual({ status: 200, body: { id: d.id, status: 'accepted' } });
  });

  it('refuses to verify a body express.json() already parsed without keeping the bytes', async () => {
    const { store, receiver } = setup();
    const app = express();
    app.use(express.json());
    app.post('/webhooks/bookflow', bookflowExpress(receiver));
    const base = await listen(app);
    const answer = await post(base, delivery('meeting.booked'));
    expect(answer).toMatchObject({ status: 500, body: { code: 'raw_body_unavailable' } });
    expect(String(answer.body.detail)).toContain('captureRawBody');
    expect((await store.depth()).queued).toBe(0);
  });

  it('answers 413 for a body over the limit', async () => {
    const { receiver } = setup();
    const app = express();
    app.post('/webhooks/bookflow', bookflowExpress(receiver, { bodyLimit: 100 }));
    const base = await listen(app);
    expect(await post(base, delivery('meeting.booked'))).toMatchObject({
      status: 413,
      body: { code: 'payload_too_large' },
    });
  });
});
