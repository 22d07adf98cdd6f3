import type { ClientBase } from 'pg';
import { quoteIdentifier } from '../identifier.ts';

/** A connected client to LISTEN on, and how to give it back (to its pool, or close it). */
export interface ListenConnection {
  client: ClientBase;
  /** With an error, the connection is broken and must not be reused. */
  release(error?: Error): Promise<void>;
}

export interface ListenerOptions {
  connect(): Promise<ListenConnection>;
  channel: string;
  onNotify(payload: string): void;
  onError(error: Error): void;
  /** First pause before reconnecting; doubles up to maxBackoffMs while connecting keeps failing. */
  backoffMs?: number;
  maxBackoffMs?: number;
}

interface Held {
  connection: ListenConnection;
  /** Gives the connection back exactly once; with an error it is discarded. */
  finish(error?: Error): Promise<void>;
}

/**
 * LISTEN needs one connection held open. When it drops (server restart, failover, terminated
 * backend) the listener reports the error and connects again with backoff for as long as it is
 * not stopped: wake-ups that stopped for good would leave the caller polling forever.
 * Notifications sent while it was down are lost; callers poll as well.
 */
export class Listener {
  #held: Held | null = null;
  #stopped = false;
  #retryTimer: NodeJS.Timeout | null = null;
  #pauseMs: number;
  readonly #options: ListenerOptions;

  constructor(options: ListenerOptions) {
    this.#options = options;
    this.#pauseMs = options.backoffMs ?? 100;
  }

  /** Connects and listens; rejects when this first connection fails (nothing is retried then). */
  async start(): Promise<void> {
    const { connect, channel, onNotify } = this.#options;
    const connection = await connect();
    const { client } = connection;
    let live = false;
    let done = false;
    const onNotification = (message: { channel: string; payload?: string }) => {
      if (message.channel === channel) onNotify(message.payload ?? '');
    };
    const finish = async (error?: Error) => {
      if (done) return;
      done = true;
      client.off('notification', onNotification);
      client.off('end', onEnd);
      // A broken client keeps an error listener: its closing socket can still emit, and an
      // 'error' with no listener would crash the process. A healthy one goes back clean.
      if (!error) client.off('error', onError);
      await connection.release(error).catch(() => undefined);
    };
    const onLost = (error: Error) => {
      if (done) return;
      // During start() the pending LISTEN rejects by itself and start() cleans up.
      if (!live) return;
      this.#held = null;
      this.#options.onError(error);
      void finish(error);
      this.#reconnectSoon();
    };
    const onError = (error: Error) => onLost(error);
    const onEnd = () => onLost(new Error('LISTEN connection ended'));
    client.on('error', onError);
    client.on('end', onEnd);
    client.on('notification', onNotification);
    try {
      await client.query(`LISTEN ${quoteIdentifier(channel)}`);
    } catch (error) {
      await finish(error as Error);
      throw error;
    }
    if (this.#stopped) {
      // Stopped while connecting: discard rather than return a listening client to a pool.
      await finish(new Error('listener stopped'));
      return;
    }
    live = true;
    this.#held = { connection, finish };
    this.#pauseMs = this.#options.backoffMs ?? 100;
  }

  #reconnectSoon(): void {
    if (this.#stopped || this.#retryTimer) return;
    const pause = this.#pauseMs;
    this.#pauseMs = Math.min(pause * 2, this.#options.maxBackoffMs ?? 5_000);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      this.start().catch((error) => {
        this.#options.onError(error as Error);
        this.#reconnectSoon();
      });
    }, pause);
    this.#retryTimer.unref();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    const held = this.#held;
    this.#held = null;
    if (!held) return;
    try {
      await held.connection.client.query(`UNLISTEN ${quoteIdentifier(this.#options.channel)}`);
      await held.finish();
    } catch (error) {
      await held.finish(error as Error);
    }
  }
}
