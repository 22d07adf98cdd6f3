import type { AddressInfo } from 'node:net';
import { EVENT_TYPES, generateSecret, PLATFORM_EVENT_TYPES, sampleData } from '@bookflow/events';
import { createReceiver, MemoryStore, NonRetryableError, type QueueDepth } from '@bookflow/receiver';
import { bookflowFastify } from '@bookflow/receiver/fastify';
import Fastify from 'fastify';
import { openTestDatabase } from '../../../packages/platform/test/support/databases.ts';
import { testPlatform } from '../../../packages/platform/test/support/platform.ts';
import { startReceiver } from '../../../packages/platform/test/support/receiver.ts';
import { delivery } from '../../../packages/receiver/test/helpers/deliveries.ts';

/** The event types an account may publish (the platform's own are refused). */
const PUBLISHABLE = EVENT_TYPES.filter((t) => !(PLATFORM_EVENT_TYPES as readonly string[]).includes(t));

/**
 * A store whose depth read fails once, as a store briefly unreachable does: the receiver counts it
 * (bookflow_receiver_store_errors_total{operation="depth"}) and answers /metrics without the depth.
 */
class OnceUnavailableStore extends MemoryStore {
  #failed = false;
  override async depth(): Promise<QueueDepth> {
    if (!this.#failed) {
      this.#failed = true;
      throw new Error('store unavailable');
    }
    return super.depth();
  }
}

export interface LiveStackOptions {
  platformPort?: number;
  receiverPort?: number;
  /** The platform's retry schedule; the failing endpoint's deliveries dead-letter after it. */
  retryScheduleMs?: number[];
}

/**
 * A real platform (PGlite, API and worker, listening on 127.0.0.1) delivering to a real receiver
 * kit (Fastify adapter, memory store) that serves /metrics, plus the other cases an operator sees:
 * an endpoint that always answers 503, and one its owner disabled. One handler fails on some
 * events, so errors, retries and dead letters show.
 */
export async function startLiveStack(options: LiveStackOptions = {}) {
  const database = await openTestDatabase('pglite');
  const t = await testPlatform(database.db, {
    retryScheduleMs: options.retryScheduleMs ?? [60_000, 60_000],
    logLevel: 'silent',
    // The dashboards' per-endpoint panels read these opt-in gauges.
    metricsPerEndpoint: true,
  });
  await t.platform.api!.listen({ port: options.platformPort ?? 0, host: '127.0.0.1' });
  const platformUrl = `http://127.0.0.1:${(t.platform.api!.server.address() as AddressInfo).port}`;
  const account = await t.createAccount();
  const endpoint = await t.createEndpoint(account.api_key, 'http://127.0.0.1:9/placeholder', [
    ...PUBLISHABLE,
  ]);

  const receiver = createReceiver({
    store: new OnceUnavailableStore(),
    secrets: [endpoint.secret],
    worker: { pollIntervalMs: 20 },
    retry: { delaysMs: [20] },
  });
  let ended = 0;
  for (const type of PUBLISHABLE) {
    receiver.on(type, async () => {
      // Two call.ended runs in ten throw: the second of each ten (retried), and the third, which is
      // that retry when the events come one by one, and can never succeed (dead letter).
      if (type !== 'call.ended') return;
      ended++;
      if (ended % 10 === 2) throw new Error('CRM timed out');
      if (ended % 10 === 3) throw new NonRetryableError('CRM refused the activity');
    });
  }
  await receiver.start();
  const app = Fastify();
  await app.register(bookflowFastify, { receiver });
  app.get('/metrics', async (_request, reply) => {
    const { contentType, body } = await receiver.metrics.expose();
    return reply.type(contentType).send(body);
  });
  const receiverUrl = await app.listen({ port: options.receiverPort ?? 0, host: '127.0.0.1' });
  await t.call('PATCH', `/v1/endpoints/${endpoint.id}`, account.api_key, {
    url: `${receiverUrl}/webhooks/bookflow`,
  });

  const down = await startReceiver(() => ({ status: 503, body: 'down for maintenance' }));
  await t.createEndpoint(account.api_key, down.url, ['meeting.booked']);
  const paused = await t.createEndpoint(account.api_key, down.url, ['meeting.booked']);
  await t.call('PATCH', `/v1/endpoints/${paused.id}`, account.api_key, { enabled: false });

  return {
    platform: t.platform,
    platformUrl,
    receiverUrl,
    apiKey: account.api_key,
    receiver,
    /** Publishes `perType` events of every type, plus what a sender's retry and a forged request look like. */
    async drive(perType = 2) {
      let seed = 1;
      for (let i = 0; i < perType; i++) {
        for (const type of PUBLISHABLE) {
          const res = await t.publish(account.api_key, type, sampleData(type, { seed: seed++ }));
          if (res.status !== 202)
            throw new Error(`publish ${type}: ${res.status} ${JSON.stringify(res.body)}`);
        }
      }
      // A delivery sent twice (a sender's retry: dedupe hit) and one signed with another secret.
      const twice = delivery('meeting.booked', { secrets: [endpoint.secret] });
      for (const d of [twice, twice, delivery('meeting.booked', { secrets: [generateSecret()] })]) {
        await fetch(`${receiverUrl}/webhooks/bookflow`, { method: 'POST', headers: d.headers, body: d.body });
      }
    },
    async metrics() {
      const [platform, receiverText] = await Promise.all([
        fetch(`${platformUrl}/metrics`).then((r) => r.text()),
        fetch(`${receiverUrl}/metrics`).then((r) => r.text()),
      ]);
      return { platform, receiver: receiverText };
    },
    async stop() {
      await t.platform.stop();
      await receiver.stop();
      await app.close();
      await down.close();
      await database.close();
    },
  };
}

export type LiveStack = Awaited<ReturnType<typeof startLiveStack>>;
