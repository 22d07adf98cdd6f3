import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../errors/catalogue.ts';

/**
 * Retry-After of a 429 overloaded: the publishes held now are answered within about a second on a
 * platform that is merely busy, so by then there is room again.
 */
export const OVERLOADED_RETRY_AFTER_SECONDS = 1;

/**
 * A bound on the publishes one API process holds at once (arrived, not yet answered). When the
 * database commits more slowly than events arrive (the embedded database on a small machine, a
 * burst), the queue would otherwise grow without limit and every publish would wait ever longer;
 * past the bound, a publish is answered at once with 429 and Retry-After, which clients retry.
 * It runs first on the route, before authentication, whose query would wait in the same queue.
 */
export function publishAdmission(maxPending: number) {
  let pending = 0;
  return async function admit(_request: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (maxPending <= 0) return;
    if (pending >= maxPending) {
      reply.header('retry-after', String(OVERLOADED_RETRY_AFTER_SECONDS));
      throw new ApiError(
        'overloaded',
        `${maxPending} publishes are waiting to be committed (BOOKFLOW_MAX_PENDING_PUBLISHES); retry in ${OVERLOADED_RETRY_AFTER_SECONDS} s`,
      );
    }
    pending++;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      pending--;
    };
    // 'close' ends every response: answered, failed, or its client gone.
    reply.raw.once('close', release);
    reply.raw.once('finish', release);
  };
}
