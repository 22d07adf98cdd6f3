import {
  convertEnvelope,
  type EventDataByVersion,
  type EventDataMap,
  type EventType,
  type SchemaVersion,
} from '@bookflow/events';
import type { OnceFn } from '../ledger/once.ts';
import type { ReceiverLogger } from '../logging/logger.ts';

/** What a handler receives: the envelope's fields, typed by event type, plus the receiver's own facts. */
export interface ReceivedEvent<T extends EventType = EventType> {
  id: string;
  type: T;
  accountId: string;
  /** When the platform created the event (sender clock; for display, not decisions). */
  createdAt: string;
  schemaVersion: string;
  data: EventDataMap[T];
  /** The receiver's clock when the delivery was acknowledged. Use this for decisions. */
  receivedAt: Date;
  /** The envelope as delivered, including fields newer than this kit. */
  envelope: Record<string, unknown>;
  /** Delivery headers kept with the job (event id, attempt, delivered-at, schema version). */
  headers: Record<string, string>;
}

/** An event of a type this kit does not know yet (a newer platform), for `onAny` handlers. */
export interface UnknownEvent extends Omit<ReceivedEvent, 'type' | 'data'> {
  type: string;
  data: Record<string, unknown>;
}

export interface HandlerContext {
  /** 1 on the first run, 2 on the first retry, ... (replays start again at 1). */
  attempt: number;
  /**
   * Runs a side effect once per event and `stepKey`, across retries and replays: a completed
   * step returns its stored result instead of running again.
   */
  once<R>(stepKey: string, fn: OnceFn<R>): Promise<R>;
  /** Aborted when the worker shuts down and stops waiting for this handler. */
  signal: AbortSignal;
  log: ReceiverLogger;
}

export type EventHandler<T extends EventType> = (event: ReceivedEvent<T>, ctx: HandlerContext) => unknown;

/** The event types that exist in schema version `V`. */
export type EventTypeIn<V extends SchemaVersion> = keyof EventDataByVersion[V] & EventType;

/** What a handler written for schema version `V` receives: `data` in that version's shape. */
export interface VersionedEvent<V extends SchemaVersion, T extends EventTypeIn<V>>
  extends Omit<ReceivedEvent<T>, 'data' | 'schemaVersion'> {
  schemaVersion: V;
  data: EventDataByVersion[V][T];
}

export type VersionedEventHandler<V extends SchemaVersion, T extends EventTypeIn<V>> = (
  event: VersionedEvent<V, T>,
  ctx: HandlerContext,
) => unknown;

/**
 * The event in `version`: converted by the events package's version changes (down from a newer
 * payload, or up from an older one, new fields then null). A payload that cannot be converted (a
 * version newer than this kit) fails the job with a message saying so, rather than handing the
 * handler a shape it was not written for; upgrade @bookflow/events and the job can be replayed.
 */
export function inVersion(event: ReceivedEvent | UnknownEvent, version: SchemaVersion): ReceivedEvent {
  if (event.schemaVersion === version) return event as ReceivedEvent;
  const converted = convertEnvelope(
    { type: event.type, schema_version: event.schemaVersion, data: event.data },
    version,
  );
  if (!converted.ok) {
    const why =
      converted.reason === 'type_not_in_version'
        ? `${event.type} does not exist in ${version}`
        : converted.reason;
    throw new Error(
      `cannot hand a ${event.schemaVersion} ${event.type} to a handler written for ${version}: ${why}`,
    );
  }
  return {
    ...(event as ReceivedEvent),
    schemaVersion: version,
    data: converted.envelope.data as ReceivedEvent['data'],
  };
}
export type AnyEventHandler = (event: ReceivedEvent | UnknownEvent, ctx: HandlerContext) => unknown;

/** One handler per event type, plus an optional catch-all for every type without its own. */
export class HandlerRegistry {
  readonly #byType = new Map<string, AnyEventHandler>();
  #fallback: AnyEventHandler | undefined;

  on<T extends EventType>(type: T, handler: EventHandler<T>, version?: SchemaVersion): void {
    // One handler per type keeps retries simple: a failure re-runs exactly the code that failed.
    if (this.#byType.has(type)) throw new Error(`a handler for ${type} is already registered`);
    const run = handler as AnyEventHandler;
    this.#byType.set(type, version ? (event, ctx) => run(inVersion(event, version), ctx) : run);
  }

  onAny(handler: AnyEventHandler): void {
    if (this.#fallback) throw new Error('an onAny handler is already registered');
    this.#fallback = handler;
  }

  resolve(type: string): AnyEventHandler | undefined {
    return this.#byType.get(type) ?? this.#fallback;
  }
}
