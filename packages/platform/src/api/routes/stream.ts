import { EVENT_TYPES } from '@bookflow/events';
import type { FastifyInstance } from 'fastify';
import type { StreamFilter } from '../../live-stream/read.ts';
import { AccountStream, decodeStreamCursor, type StreamMessage } from '../../live-stream/stream.ts';
import { accountAuth } from '../auth.ts';
import type { RouteDeps } from '../deps.ts';
import { ATTEMPT_EXAMPLE, DELIVERY_EXAMPLE, EXAMPLE_IDS } from '../docs/examples.ts';
import { onlyFields } from '../docs/object-schema.ts';
import { operation } from '../docs/operation.ts';
import { ATTEMPT_FINISHED_SCHEMA, DELIVERY_CREATED_SCHEMA, eventStream } from '../docs/stream-schemas.ts';

const HEARTBEAT_MS = 15_000;

function frame(id: string, message: StreamMessage): string {
  return `id: ${id}\nevent: ${message.event}\ndata: ${JSON.stringify(message.data)}\n\n`;
}

const exampleDelivery = {
  delivery_id: EXAMPLE_IDS.delivery,
  event_id: EXAMPLE_IDS.event,
  endpoint_id: EXAMPLE_IDS.endpoint,
  event_type: 'meeting.booked',
};

// The attempt as GET /v1/deliveries/{id} shows it, less what the stream leaves out.
const { trigger, scheduled_at, response_content_type, ...attemptExample } = ATTEMPT_EXAMPLE;

/** What a client reads: the opening lines, then one frame per message, as `frame` writes them. */
const STREAM_EXAMPLE = [
  'retry: 2000\nid: 0.0\n: connected\n\n',
  frame('1.1', {
    event: 'delivery.created',
    data: {
      ...exampleDelivery,
      status: 'pending',
      trigger: 'publish',
      created_at: DELIVERY_EXAMPLE.created_at,
    },
  }),
  frame('2.1', {
    event: 'attempt.finished',
    data: { ...exampleDelivery, status: 'succeeded', ...attemptExample },
  }),
  'id: 2.1\n: heartbeat\n\n',
].join('');

/**
 * `GET /v1/stream`: server-sent events of the account's new deliveries and attempt results. Each
 * open stream polls the database (so it sees what every worker process records) and resumes from
 * `Last-Event-ID` after a reconnect.
 */
export function streamRoutes(app: FastifyInstance, deps: RouteDeps<'config'>): void {
  const open = new Set<() => void>();
  // Streams never end on their own: close them so the server can stop.
  app.addHook('preClose', async () => {
    for (const end of [...open]) end();
  });

  app.get<{ Querystring: StreamFilter }>(
    '/v1/stream',
    {
      onRequest: accountAuth(deps.db),
      schema: operation({
        summary: 'Live stream of deliveries and attempt results',
        description:
          'Server-sent events (text/event-stream): `delivery.created` for each new delivery and ' +
          '`attempt.finished` for each attempt result, of this account only; a comment line every 15 s as a heartbeat. ' +
          'Reconnect with `Last-Event-ID` (browsers do it on their own) to resume without losing items; an item may come twice, ' +
          'so key it by delivery id and attempt. Authenticated by API key or dashboard session.',
        operationId: 'streamDeliveries',
        tag: 'Live stream',
        auth: 'account',
        querystring: onlyFields({
          event_type: { type: 'string', enum: [...EVENT_TYPES] },
          endpoint_id: { type: 'string', pattern: '^ep_[A-Za-z0-9_-]{1,64}$' },
          status: { type: 'string', enum: ['pending', 'delivering', 'succeeded', 'dead', 'held'] },
        }),
        ok: {
          status: 200,
          description: 'The event stream',
          contentType: 'text/event-stream',
          schema: eventStream({
            'delivery.created': DELIVERY_CREATED_SCHEMA,
            'attempt.finished': ATTEMPT_FINISHED_SCHEMA,
          }),
          example: STREAM_EXAMPLE,
        },
      }),
    },
    async (request, reply) => {
      const lastEventId = request.headers['last-event-id'];
      const from = decodeStreamCursor(typeof lastEventId === 'string' ? lastEventId : undefined);
      const stream = await AccountStream.open(deps.db, request.accountId, request.query, from);
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        // Proxies that buffer responses (nginx) would hold events back.
        'x-accel-buffering': 'no',
      });
      raw.write(`retry: 2000\nid: ${stream.cursor}\n: connected\n\n`);

      let ended = false;
      let timer: NodeJS.Timeout | undefined;
      let lastWrite = Date.now();
      const end = () => {
        if (ended) return;
        ended = true;
        clearTimeout(timer);
        open.delete(end);
        raw.end();
      };
      open.add(end);
      request.raw.on('close', end);

      const tick = async () => {
        if (ended) return;
        try {
          const messages = await stream.poll();
          const id = stream.cursor;
          if (messages.length > 0) {
            raw.write(messages.map((m) => frame(id, m)).join(''));
            lastWrite = Date.now();
          } else if (Date.now() - lastWrite >= HEARTBEAT_MS) {
            raw.write(`id: ${id}\n: heartbeat\n\n`);
            lastWrite = Date.now();
          }
        } catch (err) {
          request.log.warn({ err }, 'live stream poll failed; retrying');
        }
        if (!ended) timer = setTimeout(tick, deps.config.streamPollMs);
      };
      void tick();
    },
  );
}
