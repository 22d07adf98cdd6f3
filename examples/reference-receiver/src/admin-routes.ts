import { createHash, timingSafeEqual } from 'node:crypto';
import type { DeadLetter, Receiver } from '@bookflow/receiver';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** Where `npm run receiver -- dead-letters` and `-- replay` reach a running receiver. */
export const ADMIN_PREFIX = '/admin/dead-letters';

/** A dead letter as the admin route sends it and `dead-letters` prints it. */
export interface DeadLetterLine {
  event_id: string;
  event_type: string;
  attempts: number;
  dead_at: string;
  last_error: string | null;
}

/** One wire shape, so the command shows the same lines whether it asked a receiver or read the store. */
export function deadLetterLine(d: DeadLetter): DeadLetterLine {
  return {
    event_id: d.eventId,
    event_type: d.eventType,
    attempts: d.attempts,
    dead_at: d.deadAt.toISOString(),
    last_error: d.lastError,
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function authorised(request: FastifyRequest, token: string): boolean {
  const header = request.headers.authorization ?? '';
  const given = header.startsWith('Bearer ') ? header.slice(7) : '';
  // Digests have equal length, so the comparison takes the same time whatever was sent.
  return timingSafeEqual(digest(given), digest(token));
}

/**
 * The dead letter of the running process, for the command line: its store may be an embedded
 * database (single-process) or memory, which no other process can open. Bearer token only; the
 * token is in the data directory's receiver.json, readable by the receiver's user.
 */
export function registerAdminRoutes(app: FastifyInstance, receiver: Receiver, token: string): void {
  app.register(async (admin) => {
    admin.addHook('onRequest', async (request, reply) => {
      if (!authorised(request, token)) {
        return reply.code(401).type('application/problem+json').send({
          type: 'about:blank',
          title: 'The admin token is missing or wrong',
          status: 401,
        });
      }
    });
    admin.get(ADMIN_PREFIX, async (request) => {
      const limit = Math.min(Math.max(Number((request.query as { limit?: string }).limit) || 100, 1), 1000);
      return { data: (await receiver.deadLetters.list({ limit })).map(deadLetterLine) };
    });
    admin.post(`${ADMIN_PREFIX}/replay`, async (request) => {
      const body = (request.body ?? {}) as { event_id?: unknown; all?: unknown };
      if (body.all === true) return { replayed: await receiver.deadLetters.replayAll() };
      if (typeof body.event_id !== 'string') return { replayed: 0 };
      return { replayed: (await receiver.deadLetters.replay(body.event_id)) ? 1 : 0 };
    });
  });
}
