import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createFetchHandler } from '../src/fetch.ts';
import { createReceiver, MemoryStore } from '../src/index.ts';
import { delivery, oddlyFormatted, SECRET } from './helpers/deliveries.ts';

function setup() {
  const store = new MemoryStore();
  const receiver = createReceiver({ store, secrets: [SECRET] });
  return { store, handler: createFetchHandler(receiver) };
}

const URL_ = 'http://receiver.test/webhooks/bookflow';

describe('Fetch-API handler', () => {
  it('serves Hono through app.fetch, beside a normal JSON route', async () => {
    const { store, handler } = setup();
    const app = new Hono();
    app.post('/webhooks/bookflow', (c) => handler(c.req.raw));
    app.post('/api/leads', async (c) => c.json({ parsed: await c.req.json() }));

    const d = oddlyFormatted('meeting.rescheduled');
    const response = await app.fetch(new Request(URL_, { method: 'POST', headers: d.headers, body: d.body }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id: d.id, status: 'accepted' });

    const stale = delivery('meeting.booked', { deliveredAt: new Date(Date.now() - 3_600_000) });
    const rejected = await app.fetch(
      new Request(URL_, { method: 'POST', headers: stale.headers, body: stale.body }),
    );
    expect(rejected.status).toBe(401);
    expect(rejected.headers.get('content-type')).toBe('application/problem+json');
    expect(await rejected.json()).toMatchObject({ code: 'stale_timestamp' });
    expect((await store.depth()).queued).toBe(1);

    const lead = await app.fetch(
      new Request('http://receiver.test/api/leads', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"name":"Ada"}',
      }),
    );
    expect(await lead.json()).toEqual({ parsed: { name: 'Ada' } });
  });

  it('handles a plain Request (Next.js App Router: export const POST = handler)', async () => {
    const { store, handler } = setup();
    const d = delivery('usage.threshold');
    const first = await handler(new Request(URL_, { method: 'POST', headers: d.headers, body: d.body }));
    const again = await handler(new Request(URL_, { method: 'POST', headers: d.headers, body: d.body }));
    expect(await first.json()).toEqual({ id: d.id, status: 'accepted' });
    expect(await again.json()).toEqual({ id: d.id, status: 'duplicate' });
    expect(again.status).toBe(200);
    expect((await store.depth()).queued).toBe(1);
  });

  it('answers 405 to other methods and 413 to oversized bodies', async () => {
    const { handler } = setup();
    const get = await handler(new Request(URL_));
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    const small = createFetchHandler(createReceiver({ store: new MemoryStore(), secrets: [SECRET] }), {
      bodyLimit: 10,
    });
    const d = delivery('call.started');
    const big = await small(new Request(URL_, { method: 'POST', headers: d.headers, body: d.body }));
    expect(big.status).toBe(413);
  });
});
