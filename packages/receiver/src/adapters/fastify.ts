import type { FastifyPluginAsync } from 'fastify';
import type { Receiver } from '../receiver.ts';
import { DEFAULT_BODY_LIMIT } from './body-limit.ts';

export interface FastifyWebhookOptions {
  receiver: Receiver;
  /** Default `/webhooks/bookflow`. Combines with the `prefix` given to `register`. */
  path?: string;
  bodyLimit?: number;
}

/**
 * Registers the webhook route. Register it with `app.register(bookflowFastify, { receiver })`
 * and NOT through fastify-plugin: the plugin relies on Fastify's encapsulation, which keeps the
 * buffer parser below inside this plugin's context. The rest of the application keeps Fastify's
 * normal JSON parsing.
 */
export const bookflowFastify: FastifyPluginAsync<FastifyWebhookOptions> = async (app, options) => {
  const { receiver } = options;
  // Every content type arrives as the exact bytes sent: the signature covers them, and a parsed
  // and re-serialised object would differ (key order, whitespace, number formatting).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    '*',
    { parseAs: 'buffer', bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT },
    (_request, body, done) => done(null, body),
  );
  app.post(options.path ?? '/webhooks/bookflow', async (request, reply) => {
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const answer = await receiver.handle({ headers: request.headers, body });
    return reply.code(answer.status).headers(answer.headers).send(answer.body);
  });
};
