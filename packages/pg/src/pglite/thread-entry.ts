// The PGlite database's own thread (started by thread.ts): runs each request it is sent on one
// PGlite instance and answers it. PGlite serialises statements itself; requests arrive and are
// answered asynchronously, so a statement inside an open transaction is never stuck behind one
// waiting for that transaction to end.
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { quoteIdentifier } from '../identifier.ts';
import { createPgliteDatabase, runPgliteQuery } from './run.ts';
import { type ThreadData, type ThreadReply, type ThreadRequest, toThreadError } from './thread-protocol.ts';

interface OpenTransaction {
  tx: Transaction;
  /** Lets PGlite's transaction callback end: resolve to commit, reject to roll back. */
  end(commit: boolean): void;
}

/** Thrown into PGlite's transaction callback to make it roll back. */
const ROLLBACK = Symbol('rollback');

async function main() {
  const port = parentPort!;
  const { dataDir } = workerData as ThreadData;
  const pg = await createPgliteDatabase(PGlite, dataDir);
  const transactions = new Map<number, OpenTransaction>();
  /** Per open transaction: settles once PGlite has committed or rolled back; rejects when the commit failed. */
  const finishing = new Map<number, Promise<void>>();
  const post = (reply: ThreadReply) => port.postMessage(reply);
  const answer = (id: number, work: () => Promise<unknown>) =>
    work().then(
      (value) => post({ id, ok: true, value }),
      (err: unknown) => post({ id, ok: false, error: toThreadError(err) }),
    );
  const target = (tx: number | null) => {
    if (tx === null) return pg;
    const open = transactions.get(tx);
    if (!open) throw new Error(`transaction ${tx} is not open`);
    return open.tx;
  };

  pg.onNotification((channel, payload) => post({ op: 'notify', channel, payload }));

  // PGlite's transaction() holds the transaction open while its callback's promise is pending:
  // the callback here waits for the caller's 'end', and every statement sent meanwhile with this
  // transaction's id runs on it.
  const begin = (id: number) => {
    let opened = false;
    const done = pg.transaction(
      (tx) =>
        new Promise<void>((resolve, reject) => {
          opened = true;
          transactions.set(id, {
            tx,
            end: (commit) => (commit ? resolve() : reject(ROLLBACK)),
          });
          post({ id, ok: true });
        }),
    );
    const finished = done.then(
      () => undefined,
      (err: unknown) => (err === ROLLBACK ? undefined : Promise.reject(err)),
    );
    finishing.set(id, finished);
    // Handled here; the 'end' request awaits it again and answers with its outcome. When PGlite
    // could not even open the transaction, the 'begin' is answered with the error instead.
    finished.catch((err: unknown) => {
      if (opened) return;
      finishing.delete(id);
      post({ id, ok: false, error: toThreadError(err) });
    });
  };

  port.on('message', (req: ThreadRequest) => {
    switch (req.op) {
      case 'query':
        return answer(req.id, () => runPgliteQuery(target(req.tx), req.sql, req.params));
      case 'exec':
        return answer(req.id, async () => {
          await target(req.tx).exec(req.sql);
        });
      case 'begin':
        return begin(req.id);
      case 'end': {
        const open = transactions.get(req.tx);
        const finished = finishing.get(req.tx);
        transactions.delete(req.tx);
        finishing.delete(req.tx);
        if (!open || !finished) {
          const error = toThreadError(new Error(`transaction ${req.tx} is not open`));
          return post({ id: req.id, ok: false, error });
        }
        open.end(req.commit);
        return answer(req.id, () => finished);
      }
      case 'listen':
      case 'unlisten':
        return answer(req.id, async () => {
          await pg.exec(`${req.op === 'listen' ? 'LISTEN' : 'UNLISTEN'} ${quoteIdentifier(req.channel)}`);
        });
      case 'close':
        return answer(req.id, async () => {
          if (!pg.closed) await pg.close();
        });
    }
  });
  post({ id: 0, ok: true });
}

main().catch((err: unknown) => {
  parentPort!.postMessage({ id: 0, ok: false, error: toThreadError(err) } satisfies ThreadReply);
});
