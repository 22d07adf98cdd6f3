import type { HandlerContext } from '@bookflow/receiver';
import type { AnyEvent, Connector } from '../connector.ts';
import { RawEventBatcher, type RawEventBatcherOptions } from './batcher.ts';
import type { RawEventSink } from './warehouse.ts';

/**
 * Appends every event, of every type and schema version, to the warehouse's raw table through a
 * batcher. The row is written from the envelope as delivered (unknown fields kept).
 */
export class WarehouseConnector implements Connector {
  readonly name = 'warehouse';
  readonly #sink: RawEventSink;
  readonly #batcher: RawEventBatcher;

  constructor(sink: RawEventSink, batching: Omit<RawEventBatcherOptions, 'sink'> = {}) {
    this.#sink = sink;
    this.#batcher = new RawEventBatcher({ ...batching, sink });
  }

  get kind(): string {
    return this.#sink.kind;
  }

  async handle(event: AnyEvent, ctx: HandlerContext): Promise<void> {
    // ctx.once: a retry caused by a later connector does not write the row again.
    await ctx.once('raw', () =>
      this.#batcher
        .add({
          eventId: event.id,
          type: event.type,
          accountId: event.accountId,
          schemaVersion: event.schemaVersion,
          createdAt: event.createdAt || event.receivedAt.toISOString(),
          receivedAt: event.receivedAt,
          payload: JSON.stringify(event.data ?? {}),
        })
        .then(() => true),
    );
  }

  async close(): Promise<void> {
    await this.#batcher.close();
    await this.#sink.close();
  }
}
