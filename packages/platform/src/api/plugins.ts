import { createHash } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { PlatformConfig } from '../config/config.ts';
import { SESSION_COOKIE } from '../dashboard-auth/tokens.ts';
import { ApiError } from '../errors/catalogue.ts';
import { API_TAGS } from './docs/operation.ts';
import { PROBLEM_SCHEMA } from './docs/problems.ts';
import { SHARED_SCHEMAS } from './docs/schemas.ts';
import { STREAM_SCHEMAS } from './docs/stream-schemas.ts';

/**
 * The OpenAPI 3.1 document is generated from the route schemas (each declared with
 * docs/operation.ts); /docs renders it. Response schemas document the answers but do not
 * serialise them: answers stay exactly what the handlers return (JSON.stringify), so a field a
 * handler adds can never be dropped silently by a schema that does not list it yet.
 */
export async function registerOpenApi(app: FastifyInstance, config: PlatformConfig): Promise<void> {
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  for (const schema of [PROBLEM_SCHEMA, ...SHARED_SCHEMAS, ...STREAM_SCHEMAS]) app.addSchema(schema);
  await app.register(swagger, {
    // Shared schemas appear under their own names in components.schemas.
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => String(json.$id ?? `def-${i}`) },
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'BookFlow Webhooks API',
        version: '1.0.0',
        description:
          'Publish AI voice agent events and deliver them, signed, retried and dead-lettered, to subscribed endpoints. ' +
          'Errors are application/problem+json with a stable `code`.',
        license: { name: 'MIT', identifier: 'MIT' },
      },
      tags: Object.entries(API_TAGS).map(([name, description]) => ({ name, description })),
      servers: [{ url: config.publicUrl }],
      components: {
        securitySchemes: {
          apiKey: {
            type: 'http',
            scheme: 'bearer',
            description: 'An account API key: bfk_live_… (live mode) or bfk_test_… (test mode)',
          },
          adminToken: { type: 'http', scheme: 'bearer', description: 'BOOKFLOW_ADMIN_TOKEN' },
        },
      },
      security: [{ apiKey: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list' } });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}

/**
 * Limits each API key (or, before authentication, each client address) to a number of management
 * requests per minute. Counters are per process: with N API processes the effective limit is up to N times
 * higher, which is acceptable for abuse protection and needs no shared store.
 */
export async function registerRateLimit(app: FastifyInstance, perMinute: number): Promise<void> {
  if (perMinute <= 0) return;
  await app.register(rateLimit, {
    global: true,
    max: perMinute,
    timeWindow: 60_000,
    // The management API only: publishing is the event stream itself, whose volume follows the
    // calls the voice agent makes, and a 429 there would turn into events the agent must buffer.
    allowList: (request: FastifyRequest) =>
      !request.url.startsWith('/v1/') ||
      (request.method === 'POST' && request.url.split('?')[0] === '/v1/events'),
    keyGenerator: (request: FastifyRequest) => {
      // An API key, or the dashboard's session cookie: each signed-in browser has its own budget.
      const auth = request.headers.authorization ?? request.cookies?.[SESSION_COOKIE];
      // Hashed so the limiter's keys never hold a credential.
      return auth ? createHash('sha256').update(auth).digest('hex') : `ip:${request.ip}`;
    },
    errorResponseBuilder: (_request, context) =>
      new ApiError(
        'rate_limited',
        `limit of ${context.max} requests per minute reached; retry in ${context.after}`,
      ),
  });
}
