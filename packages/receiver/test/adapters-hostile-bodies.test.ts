import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { bookflowExpress } from '../src/express.ts';
import { bookflowFastify } from '../src/fastify.ts';
import { createFetchHandler } from '../src/fetch.ts';
import { createReceiver, MemoryStore, type Receiver } from '../src/index.ts';
import { envelopeBody, nestedBody, SECRET, signBody } from './helpers/deliveries.ts';

// Every adapter hands the exact bytes to the same request path: a NUL-bearing body is stored, a
// too-deep or non-JSON one is a permanent 400, over real HTTP (Hono through its fetch entry).

type Post = (
  headers: Record<string, string>,
  body: string | Uint8Array,
) => Promise<{ status: number; json: Record<string, unknown> }>;

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function viaExpress(receiver: Receiver): Promise<Post> {
  const app = express();
  // The documented order: the webhook route before the application's JSON parser.
  app.post('/hook', bookflowExpress(receiver));
  app.use(express.json());
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  return httpPost(`http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`);
}

async function viaFastify(receiver: Receiver): Promise<Post> {
  const app = Fastify();
  await app.register(bookflowFastify, { receiver, path: '/hook' });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  closers.push(() => app.close());
  return httpPost(`${base}/hook`);
}

async function viaHono(receiver: Receiver): Promise<Post> {
  const handler = createFetchHandler(receiver);
  const app = new Hono();
  app.post('/hook', (c) => handler(c.req.raw));
  return async (headers, body) => {
    const response = await app.fetch(
      new Request('http://receiver.test/hook', { method: 'POST', headers, body }),
    );
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  };
}

function httpPost(url: string): Post {
  return async (headers, body) => {
    const response = await request(url, { method: 'POST', headers, body });
    return { status: response.statusCode, json: (await response.body.json()) as Record<string, unknown> };
  };
}

describe.each([
  ['Express', viaExpress],
  ['Fastify', viaFastify],
  ['Hono (Fetch API)', viaHono],
])('%s adapter: hostile signed bodies', (_name, mount) => {
  it('stores \\u0000 data, refuses 5,000 levels of nesting and non-JSON bytes with a permanent 400', async () => {
    const store = new MemoryStore();
    const post = await mount(createReceiver({ store, secrets: [SECRET] }));

    const nul = envelopeBody({ note: 'ok\u0000', lone: '\ud800' });
    const id = (JSON.parse(nul) as { id: string }).id;
    const signed = signBody(nul);
    expect(await post(signed.headers, nul)).toEqual({ status: 200, json: { id, status: 'accepted' } });
    expect(await post(signed.headers, nul)).toEqual({ status: 200, json: { id, status: 'duplicate' } });

    const deep = nestedBody(5000);
    expect(await post(signBody(deep).headers, deep)).toMatchObject({
      status: 400,
      json: { code: 'payload_too_deep' },
    });
    const bytes = new Uint8Array([0xff, 0x00, 0x7b]);
    expect(await post(signBody(bytes).headers, bytes)).toMatchObject({
      status: 400,
      json: { code: 'invalid_payload' },
    });
    expect(await store.depth()).toEqual({ queued: 1, running: 0, dead: 0 });
  });
});
