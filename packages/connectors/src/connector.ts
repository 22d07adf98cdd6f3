import type { AnyEventHandler, HandlerContext, ReceivedEvent, UnknownEvent } from '@bookflow/receiver';
import { SpanStatusCode, trace } from '@opentelemetry/api';

export type AnyEvent = ReceivedEvent | UnknownEvent;

/** One destination of the events (a CRM, a warehouse). Handlers run inside the receiver's worker. */
export interface Connector {
  /** Prefixes its ctx.once step keys, so two connectors never share a ledger entry. */
  readonly name: string;
  handle(event: AnyEvent, ctx: HandlerContext): Promise<void>;
  close?(): Promise<void>;
}

/** The context a connector sees: ctx.once keys are its own. */
export function scopedContext(ctx: HandlerContext, name: string): HandlerContext {
  return {
    attempt: ctx.attempt,
    signal: ctx.signal,
    log: ctx.log.child({ connector: name }),
    once: (stepKey, fn) => ctx.once(`${name}:${stepKey}`, fn),
  };
}

// A no-op until the application registers an OpenTelemetry SDK (the reference receiver does).
const tracer = trace.getTracer('@bookflow/connectors');

/** One connector's work on one event as a span, child of the receiver's handler span. */
function traced(connector: Connector, event: AnyEvent, ctx: HandlerContext): Promise<void> {
  const attributes = { 'bookflow.connector': connector.name, 'bookflow.event.id': event.id };
  return tracer.startActiveSpan(`connector ${connector.name}`, { attributes }, async (span) => {
    try {
      await connector.handle(event, scopedContext(ctx, connector.name));
    } catch (error) {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  });
}

/**
 * One handler that runs every connector on each event, in order. A connector that throws fails
 * the event and the receiver retries it; the connectors that had finished skip their work on the
 * retry through their ctx.once steps.
 */
export function connectorsHandler(connectors: readonly Connector[]): AnyEventHandler {
  return async (event, ctx) => {
    for (const connector of connectors) await traced(connector, event, ctx);
  };
}
