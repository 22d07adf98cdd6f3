import cookie from '@fastify/cookie';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { clientErrorHandler, installJsonOnly } from './body-parsing.ts';
import { dashboardBuilt, registerDashboard } from './dashboard-static.ts';
import type { ApiDeps } from './deps.ts';
import { frameworkErrors, installErrorHandling } from './error-handler.ts';
import { registerOpenApi, registerRateLimit } from './plugins.ts';
import { accountRoutes } from './routes/accounts.ts';
import { apiKeyRoutes } from './routes/api-keys.ts';
import { dashboardSessionModeRoute } from './routes/dashboard-session-mode.ts';
import { dashboardSessionRoutes } from './routes/dashboard-sessions.ts';
import { deliveryRoutes } from './routes/deliveries.ts';
import { endpointPreviewRoutes } from './routes/endpoint-preview.ts';
import { endpointRoutes } from './routes/endpoints.ts';
import { eventTypeRoutes } from './routes/event-types.ts';
import { eventRoutes } from './routes/events.ts';
import { healthRoutes } from './routes/health.ts';
import { homeRoutes } from './routes/home.ts';
import { listenRoutes } from './routes/listen.ts';
import { notificationRoutes } from './routes/notifications.ts';
import { sandboxRoutes } from './routes/sandbox.ts';
import { statsRoutes } from './routes/stats.ts';
import { streamRoutes } from './routes/stream.ts';
import { installTextGuard } from './text-guard.ts';

/** The route modules, registered in this order (the OpenAPI document lists their paths so). */
const ROUTE_MODULES: Array<(app: FastifyInstance, deps: ApiDeps) => void> = [
  healthRoutes,
  eventTypeRoutes,
  accountRoutes,
  apiKeyRoutes,
  dashboardSessionRoutes,
  dashboardSessionModeRoute,
  endpointRoutes,
  endpointPreviewRoutes,
  eventRoutes,
  deliveryRoutes,
  listenRoutes,
  streamRoutes,
  statsRoutes,
  notificationRoutes,
  sandboxRoutes,
];

export async function buildApi(deps: ApiDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    // The limit is on the whole request; the envelope around `data` is small next to it.
    bodyLimit: deps.config.maxPayloadBytes,
    // Route parameters are ids: nothing legitimate is longer.
    routerOptions: { maxParamLength: 200 },
    clientErrorHandler,
    frameworkErrors,
    // One concise line per request (the onResponse hook below) instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    ajv: {
      // Strict: a wrong type is an error, not silently coerced; unknown properties are refused, not dropped.
      customOptions: { coerceTypes: false, removeAdditional: false, allErrors: true },
    },
  });
  app.addHook('onResponse', (request, reply, done) => {
    request.log.info(
      {
        method: request.method,
        url: request.routeOptions.url ?? request.url,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request',
    );
    done();
  });
  installErrorHandling(app);
  installJsonOnly(app);
  installTextGuard(app);
  await app.register(cookie);
  await registerOpenApi(app, deps.config);
  await registerRateLimit(app, deps.config.apiRateLimitPerMinute);
  if (dashboardBuilt(deps.config.dashboardDir)) await registerDashboard(app, deps.config.dashboardDir);
  else homeRoutes(app);
  for (const routes of ROUTE_MODULES) routes(app, deps);
  return app;
}
