import { type Context, context, ROOT_CONTEXT, type Span, SpanStatusCode, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

/**
 * Whether tracing was started (startTracing). Every helper of this folder checks it first, so with
 * OTEL_EXPORTER_OTLP_ENDPOINT unset the hot paths make no span, no context and no allocation.
 */
let started = false;

export function tracingOn(): boolean {
  return started;
}

export function setTracingOn(value: boolean): void {
  started = value;
}

export const tracer = trace.getTracer('bookflow-platform');

/**
 * The W3C Trace Context propagator itself, not the globally configured one: what is stored with
 * an event and sent as the delivery's `traceparent` header is the W3C format whatever propagators
 * an operator configures (OTEL_PROPAGATORS) for the rest of the process.
 */
const w3c = new W3CTraceContextPropagator();
const setter = {
  set: (carrier: Record<string, string>, key: string, value: string) => {
    carrier[key] = value;
  },
};
const getter = {
  get: (carrier: Record<string, string>, key: string) => carrier[key],
  keys: (carrier: Record<string, string>) => Object.keys(carrier),
};

/** The `traceparent` naming `span` as the parent (null when the span is not sampled in). */
export function traceparentOf(span: Span): string | null {
  const carrier: Record<string, string> = {};
  w3c.inject(trace.setSpan(ROOT_CONTEXT, span), carrier, setter);
  return carrier.traceparent ?? null;
}

/** The active span's `traceparent`, or null when tracing is off or no span is active. */
export function activeTraceparent(): string | null {
  if (!started) return null;
  const span = trace.getSpan(context.active());
  return span ? traceparentOf(span) : null;
}

/** A context whose parent is the stored `traceparent`; the root context when there is none. */
export function contextFrom(traceparent: string | null): Context {
  return traceparent ? w3c.extract(ROOT_CONTEXT, { traceparent }, getter) : ROOT_CONTEXT;
}

/** Runs `work` as `span`'s work: a throw is recorded on the span as an error, and the span always ends. */
export async function runInSpan<T>(span: Span, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    span.recordException(err as Error);
    span.setStatus({ code: SpanStatusCode.ERROR });
    throw err;
  } finally {
    span.end();
  }
}
