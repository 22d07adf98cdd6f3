import type { EventType } from '@bookflow/events';
import type { Queryable } from '@bookflow/pg';
import { publishEvents } from '../../src/events/publish.ts';

const CHUNK = 500;

/**
 * Publishes `count` events of one type for an account through the same code as the API (the
 * batched outbox statement), skipping HTTP: fault tests need thousands of events in well under a
 * second, and the API path itself is tested elsewhere. Returns the event ids.
 */
export async function insertEvents(
  db: Queryable,
  input: { accountId: string; type: EventType; data: unknown; count: number },
): Promise<string[]> {
  const ids: string[] = [];
  for (let done = 0; done < input.count; done += CHUNK) {
    const size = Math.min(CHUNK, input.count - done);
    const outcomes = await publishEvents(
      db,
      Array.from({ length: size }, () => ({
        accountId: input.accountId,
        type: input.type,
        data: input.data,
      })),
    );
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') throw outcome.reason;
      if (!outcome.value.ok) throw new Error(`event refused: ${outcome.value.reason}`);
      ids.push(outcome.value.id);
    }
  }
  return ids;
}
