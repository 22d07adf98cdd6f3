// `@bookflow/receiver/fastify`: the Fastify plugin. Its only reference to Fastify is a type.
export { DEFAULT_BODY_LIMIT } from './adapters/body-limit.ts';
export { bookflowFastify, type FastifyWebhookOptions } from './adapters/fastify.ts';
