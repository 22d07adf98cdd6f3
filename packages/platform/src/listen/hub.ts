import type { Db } from '@bookflow/pg';
import type { Logger } from 'pino';
import type { AttemptDeps } from '../delivery/worker/attempt.ts';
import { deleteExpiredCliEndpoints } from './cli-endpoints.ts';
import type { ForwardedDelivery } from './forwarded-delivery.ts';
import { ListenSession, type ListenSettings } from './session.ts';

/** How often this process deletes 'cli' endpoints past their expiry. */
const SWEEP_INTERVAL_MS = 60_000;

/**
 * The listen sessions this API process holds, by endpoint id. A new connection for an endpoint
 * replaces the one before it (the CLI reconnected). Several processes may each hold a session for
 * one endpoint: their claims lease distinct deliveries (SKIP LOCKED), so each goes to one CLI.
 */
export class ListenHub {
  private readonly sessions = new Map<string, ListenSession>();
  private sweeper: NodeJS.Timeout | null = null;

  constructor(
    private readonly deps: Omit<AttemptDeps, 'workerId' | 'successes' | 'failures' | 'sender'> & {
      db: Db;
      logger: Logger;
    },
    readonly settings: ListenSettings,
  ) {}

  start(): void {
    this.sweeper = setInterval(() => void this.sweep(), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  async open(
    endpoint: { id: string; accountId: string },
    push: (delivery: ForwardedDelivery) => void,
  ): Promise<ListenSession> {
    await this.sessions.get(endpoint.id)?.close();
    const session = new ListenSession(this.deps, endpoint, this.settings, push);
    this.sessions.set(endpoint.id, session);
    await session.start();
    return session;
  }

  async release(session: ListenSession): Promise<void> {
    if (this.sessions.get(session.endpoint.id) === session) this.sessions.delete(session.endpoint.id);
    await session.close();
  }

  /** The session of an account's endpoint in this process, if any: another account's is not found. */
  find(accountId: string, endpointId: string): ListenSession | null {
    const session = this.sessions.get(endpointId);
    return session && session.endpoint.accountId === accountId ? session : null;
  }

  async sweep(): Promise<void> {
    try {
      const deleted = await deleteExpiredCliEndpoints(this.deps.db);
      if (deleted > 0) this.deps.logger.info({ deleted }, 'expired listen endpoints deleted');
    } catch (err) {
      this.deps.logger.warn({ err }, 'deleting expired listen endpoints failed');
    }
  }

  async stop(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    await Promise.allSettled([...this.sessions.values()].map((s) => s.close()));
    this.sessions.clear();
  }
}
