import { FastifyOtelInstrumentation } from '@fastify/otel';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { NodeSDK } from '@opentelemetry/sdk-node';

/**
 * The application's side of tracing: the receiver kit and the connectors use only
 * @opentelemetry/api, so their spans are exported once the application registers an SDK, as here.
 * Started before the app is built: @fastify/otel instruments Fastify instances created after it
 * (it is the maintained successor of @opentelemetry/instrumentation-fastify), and pg is patched
 * when first loaded. Returns how to flush and stop it; null when no endpoint is set.
 */
export function startTracing(endpoint: string | undefined): (() => Promise<void>) | null {
  if (!endpoint) return null;
  const sdk = new NodeSDK({
    serviceName: process.env.OTEL_SERVICE_NAME?.trim() || 'bookflow-receiver',
    traceExporter: new OTLPTraceExporter({
      url: new URL('v1/traces', `${endpoint.replace(/\/$/, '')}/`).href,
    }),
    // Traces only: metrics stay on /metrics (Prometheus), logs stay pino on stdout.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      new FastifyOtelInstrumentation({ registerOnInitialization: true }),
      new PgInstrumentation({ requireParentSpan: true }),
      // The connectors' calls to HubSpot, Salesforce and BigQuery, inside their connector's span.
      new UndiciInstrumentation({ requireParentforSpans: true }),
    ],
  });
  sdk.start();
  return () => sdk.shutdown();
}
