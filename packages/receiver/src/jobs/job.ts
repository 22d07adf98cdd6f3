/**
 * A delivery that passed verification and the dedupe check, as the request path stores it.
 * Everything the worker needs travels with the job, so handlers never re-read the request.
 */
export interface IncomingJob {
  /** The envelope id: the idempotency key and the job's primary key. */
  eventId: string;
  eventType: string;
  /** From the envelope (or the header when the envelope lacks it); kept to debug payload drift. */
  schemaVersion: string;
  /**
   * The envelope's JSON text as received, unknown fields included, so newer fields reach
   * handlers. Text rather than a parsed value: every store can keep any text a sender can sign.
   * Checked at intake: valid JSON, an object, nested at most 64 levels.
   */
  body: string;
  /** Delivery headers worth keeping for debugging (never the signatures). */
  headers: Record<string, string>;
  /** The receiver's clock at acknowledgement. Decisions use this, never the sender's timestamps. */
  receivedAt: Date;
  /**
   * The W3C traceparent of the request that accepted the job, when tracing is on: the handler's
   * span continues that trace, however much later and in whichever process it runs.
   */
  traceparent?: string;
}

/** A job as a worker holds it after claiming it. */
export interface Job extends IncomingJob {
  /** Attempts started so far, this one included (counted at claim, so a crash-looping job still ends). */
  attempts: number;
  lastError: string | null;
}

/** A job that failed every attempt and waits for a human (and a replay). */
export interface DeadLetter extends IncomingJob {
  attempts: number;
  lastError: string | null;
  deadAt: Date;
}

export type AcceptOutcome = 'enqueued' | 'duplicate';

export interface QueueDepth {
  /** Waiting to run, due now or later (retries). */
  queued: number;
  /** Claimed by a worker, lease not yet returned. */
  running: number;
  /** In the local dead letter. */
  dead: number;
}
