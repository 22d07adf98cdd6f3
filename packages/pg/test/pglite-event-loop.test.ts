import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, openPglite } from '../src/index.ts';
import { startOkServer } from './support/ok-server.ts';

// PGlite runs statements on the caller's thread. A chain of statements (a worker claiming and
// recording, publishes committing batch after batch) must still leave the event loop free to
// accept and answer HTTP requests between any two statements, or an overloaded embedded platform
// stops answering its sockets at all.

describe('PGlite adapter and the event loop', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openPglite(null);
  });
  afterAll(() => db.close());

  it('an HTTP request is answered while a long chain of statements runs, not after it', async () => {
    const server = await startOkServer();
    try {
      const CHAIN = 2_000;
      let done = 0;
      let stop = false;
      const chain = (async () => {
        for (let i = 0; i < CHAIN && !stop; i++) {
          await db.query('select $1::int + 1 as n', [i]);
          done++;
        }
      })();
      await server.get();
      const answered = done;
      stop = true;
      await chain;
      // Answered while the chain was still running: statements were left to do.
      expect(answered).toBeLessThan(CHAIN);
    } finally {
      server.close();
    }
  });
});
