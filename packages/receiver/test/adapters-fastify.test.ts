import Fastify from 'fastify';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { bookflowFastify } from '../src/fastify.ts';
import { createReceiver, MemoryStore } from '../src/index.ts';
import { delivery, oddlyFormatted, SECRET } from './helpers/deliveries.ts';

describe('Fastify plugin', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  async function serve() {
    const store = new MemoryStore();
    const receiver = createReceiver({ store, secrets: [SECRET] });
    const app = Fastify();
    // The application's own JSON route, registered beside the plugin.
    app.post('/api/leads', async (req) => ({ parsed: req.body }));
    await app.register(bookflowFastify, { receiver });
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    close = () => app.close();
    return { base, store, app };
  }

  it('verifies the raw bytes over real HTTP, including a body no re-serialisation would reproduce', async () => {
    const { base, store } = await serve();
    for (const d of [delivery('call.connected'), oddlyFormatted('meeting.booked')]) {
      const response = await request(`${base}/webhooks/bookflow`, {
        method: 'POST',
        headers: d.headers,
        body: d.body,
      });
      expect(response.statusCode).toBe(200);
      expect(await response.body.json()).toEqual({ id: d.id, status: 'accepted' });
    }
    expect((await store.depth()).queued).toBe(2);
  });

  it('rejects a tampered body with problem+json and enqueues nothing', async () => {
    const { base, store } = await serve();
    const d = delivery('meeting.booked');
    const response = await request(`${base}/webhooks/bookflow`, {
      method: 'POST',
      headers: d.headers,
      body: d.body.replace('}', ',"x":1}'),
    });
    expect(response.statusCode).toBe(401);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(await response.body.json()).toMatchObject({ code: 'no_matching_signature' });
    expect((await store.depth()).queued).toBe(0);
  });

  it('keeps the buffer parser inside the plugin: the rest of the app still parses JSON', async () => {
    const { app } = await serve();
    const response = await app.inject({ method: 'POST', url: '/api/leads', payload: { name: 'Ada' } });
    expect(response.json()).toEqual({ parsed: { name: 'Ada' } });
  });

  it('verifies any content type (the signature covers the bytes, not the media type)', async () => {
    const { app } = await serve();
    const d = delivery('trial.ending');
    const response = await app.inject({
      method: 'POST',
      url: '/webhooks/bookflow',
      headers: { ...d.headers, 'content-type': 'text/plain; charset=utf-8' },
      payload: d.body,
    });
    expect(response.statusCode).toBe(200);
  });
});
