import { FastifyOtelInstrumentation } from '@fastify/otel';
import { context, propagation, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace';
import { setTracingOn } from './trace-context.ts';

export interface TracingOptions {
  /** OTLP/HTTP base URL (config.otlpEndpoint); traces go to <endpoint>/v1/traces. */
  endpoint: string | null;
  serviceName: string;
  /** Instead of the OTLP exporter (tests: an in-memory exporter). */
  spanProcessors?: SpanProcessor[];
}

export interface Tracing {
  /** Exports the spans ended so far. */
  flush(): Promise<void>;
  /** Exports what is left and unregisters everything, so the process is as if tracing never started. */
  stop(): Promise<void>;
}

/** Health checks and scrapes would be most of the traces and tell nothing. */
const UNTRACED_ROUTES = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * Starts the official OpenTelemetry Node SDK for traces only (metrics stay Prometheus, logs stay
 * pino), or does nothing when no endpoint is configured. Call it before the platform is created:
 * @fastify/otel instruments Fastify instances created after it, and pg is patched when first loaded.
 */
export function startTracing(options: TracingOptions): Tracing | null {
  if (!options.endpoint && !options.spanProcessors) return null;
  const processors = options.spanProcessors ?? [
    new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: tracesUrl(options.endpoint!) }) }),
  ];
  const sdk = new NodeSDK({
    serviceName: options.serviceName,
    spanProcessors: processors,
    // Unset, the SDK would also export metrics and logs over OTLP by default.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      // @fastify/otel is the Fastify team's official successor of the deprecated
      // @opentelemetry/instrumentation-fastify; it joins the caller's traceparent itself.
      new FastifyOtelInstrumentation({
        registerOnInitialization: true,
        ignorePaths: (route: { url: string }) => UNTRACED_ROUTES.has(route.url),
      }),
      // Only inside our own spans: the worker's polling would otherwise make a trace per query.
      new PgInstrumentation({ requireParentSpan: true }),
      new UndiciInstrumentation({
        requireParentforSpans: true,
        // A delivery carries the traceparent of its attempt span already (delivery-spans.ts); a
        // second one added here would make the header invalid for the receiver.
        ignoreRequestHook: (request) => carriesTraceparent(request.headers),
      }),
    ],
  });
  sdk.start();
  setTracingOn(true);
  const flush = async () => {
    await Promise.all(processors.map((p) => p.forceFlush()));
  };
  return {
    flush,
    async stop() {
      setTracingOn(false);
      await sdk.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}

/** undici gives the headers as `name: value\r\n` text (v5) or as a flat [name, value, ...] list. */
function carriesTraceparent(headers: string | (string | string[])[]): boolean {
  if (typeof headers === 'string') return /(^|\r\n)traceparent:/i.test(headers);
  for (let i = 0; i < headers.length; i += 2) {
    if (String(headers[i]).toLowerCase() === 'traceparent') return true;
  }
  return false;
}

function tracesUrl(endpoint: string): string {
  return new URL('v1/traces', endpoint.endsWith('/') ? endpoint : `${endpoint}/`).toString();
}
