import type { Queryable } from '@bookflow/pg';
import {
  type AttemptFinishedRow,
  attemptsFinished,
  type DeliveryCreatedRow,
  deliveriesCreated,
  type StreamFilter,
  streamHeads,
} from './read.ts';
import { Watermark } from './watermark.ts';

/**
 * How long a transaction may take between writing a row and committing it without the stream
 * missing the row: deliveries are written by publish transactions, attempts by the workers'
 * group commits, both far shorter than this.
 */
export const STREAM_GRACE_MS = 5_000;

export type StreamMessage =
  | { event: 'delivery.created'; data: ReturnType<typeof presentCreated> }
  | { event: 'attempt.finished'; data: ReturnType<typeof presentAttempt> };

/** Where a stream resumes: the two watermarks, as `Last-Event-ID` carries them (`<attempt id>.<µs>`). */
export interface StreamCursor {
  attempts: number;
  deliveries: number;
}

export function encodeStreamCursor(cursor: StreamCursor): string {
  return `${cursor.attempts}.${cursor.deliveries}`;
}

/** A cursor this API wrote, or null for anything else (a client's own id is ignored, not an error). */
export function decodeStreamCursor(raw: string | undefined): StreamCursor | null {
  const match = raw ? /^(\d{1,15})\.(\d{1,16})$/.exec(raw) : null;
  if (!match) return null;
  return { attempts: Number(match[1]), deliveries: Number(match[2]) };
}

/** The delivery an item is about, as both kinds of item start. */
function about(deliveryId: string, row: Pick<DeliveryCreatedRow, 'event_id' | 'endpoint_id' | 'event_type'>) {
  return {
    delivery_id: deliveryId,
    event_id: row.event_id,
    endpoint_id: row.endpoint_id,
    event_type: row.event_type,
  };
}

function presentCreated(row: DeliveryCreatedRow) {
  return {
    ...about(row.id, row),
    status: row.status,
    trigger: row.trigger,
    created_at: row.created_at.toISOString(),
  };
}

function presentAttempt(row: AttemptFinishedRow) {
  return {
    ...about(row.delivery_id, row),
    status: row.delivery_status,
    series: row.series,
    attempt: row.attempt_number,
    started_at: row.started_at.toISOString(),
    duration_ms: row.duration_ms,
    outcome: row.outcome,
    status_code: row.status_code,
    error_kind: row.error_kind,
    error: row.error,
    response_body: row.response_body,
    response_body_encoding: row.response_body === null ? null : (row.response_body_encoding ?? 'utf8'),
    response_truncated: row.response_truncated,
  };
}

/** One client's view of the account's deliveries and attempts, polled from the database. */
export class AccountStream {
  private constructor(
    private readonly created: Watermark<DeliveryCreatedRow>,
    private readonly attempts: Watermark<AttemptFinishedRow>,
  ) {}

  /** Starts at the cursor (a reconnect) or at the present (a new stream). */
  static async open(
    db: Queryable,
    accountId: string,
    filter: StreamFilter,
    from: StreamCursor | null,
    graceMs = STREAM_GRACE_MS,
  ): Promise<AccountStream> {
    const start = from ?? (await streamHeads(db));
    return new AccountStream(
      new Watermark(deliveriesCreated(db, accountId, filter), start.deliveries, graceMs),
      new Watermark(attemptsFinished(db, accountId, filter), start.attempts, graceMs),
    );
  }

  get cursor(): string {
    return encodeStreamCursor({ attempts: this.attempts.position, deliveries: this.created.position });
  }

  /** New deliveries first, then attempt results, so a client sees a delivery before its attempts. */
  async poll(): Promise<StreamMessage[]> {
    const created = await this.created.poll();
    const attempts = await this.attempts.poll();
    return [
      ...created.map((row) => ({ event: 'delivery.created' as const, data: presentCreated(row) })),
      ...attempts.map((row) => ({ event: 'attempt.finished' as const, data: presentAttempt(row) })),
    ];
  }
}
