import { type HeaderSource, readHeader } from '@bookflow/events';
import {
  type Attributes,
  type Context,
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';

// The kit uses only @opentelemetry/api: every call below is a no-op until the application
// registers an SDK (the reference receiver does when OTEL_EXPORTER_OTLP_ENDPOINT is set), and the
// propagator is the application's (W3C Trace Context by default), so the kit follows its choice.

const tracer = trace.getTracer('@bookflow/receiver');

const headerGetter = {
  get: (carrier: HeaderSource, key: string) => readHeader(carrier, key),
  keys: () => [],
};

/**
 * The delivery's parent context: the framework's request span when its own instrumentation made
 * one (it joined the sender's traceparent already), else the sender's `traceparent` header.
 */
function deliveryContext(headers: HeaderSource): { parent: Context; kind: SpanKind } {
  const active = context.active();
  if (trace.getSpan(active)) return { parent: active, kind: SpanKind.INTERNAL };
  return { parent: propagation.extract(active, headers, headerGetter), kind: SpanKind.SERVER };
}

/** The request path (verify, dedupe and enqueue) as one span joining the sender's trace. */
export function traceDelivery<T>(headers: HeaderSource, fn: () => Promise<T>): Promise<T> {
  const { parent, kind } = deliveryContext(headers);
  return tracer.startActiveSpan('webhook receive', { kind }, parent, (span) => run(span, fn));
}

/** One step of the kit's own (verify, dedupe and enqueue, a connector call) as a child span. */
export function traceStep<T>(name: string, attributes: Attributes, fn: () => T): T {
  return tracer.startActiveSpan(name, { attributes }, (span) => run(span, fn));
}

/**
 * The active span's traceparent, kept with the job: the handler runs later, in the worker, maybe
 * in another process, and continues the trace from it. Undefined when nothing is traced.
 */
export function activeTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

/** Runs a job's handler in a span whose parent is the traceparent stored with the job. */
export function traceJob<T>(
  traceparent: string | null | undefined,
  attributes: Attributes,
  fn: () => Promise<T>,
): Promise<T> {
  const parent = traceparent ? propagation.extract(ROOT_CONTEXT, { traceparent }) : ROOT_CONTEXT;
  return tracer.startActiveSpan('webhook handle', { attributes }, parent, (span) => run(span, fn));
}

/** Marks the active span failed: a handler's error is an outcome the worker records, not a throw. */
export function recordFailure(error: unknown): void {
  const span = trace.getSpan(context.active());
  if (!span) return;
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR });
}

/** Ends the span when `fn` ends; a throw is recorded on it and rethrown. */
function run<T>(span: Span, fn: () => T): T {
  const fail = (error: unknown) => {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
    throw error;
  };
  let result: T;
  try {
    result = fn();
  } catch (error) {
    return fail(error);
  }
  if (result instanceof Promise) {
    return result.then((value) => {
      span.end();
      return value;
    }, fail) as T;
  }
  span.end();
  return result;
}
