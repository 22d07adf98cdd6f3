import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eventually } from './platform.ts';

/**
 * An endpoint on 127.0.0.1 for fault tests: it counts requests per X-BookFlow-Event-Id, keeps each
 * one open for `holdMs` before answering, and watches, per event id, whether a second request
 * arrives while the first is still open (two workers attempting one delivery at the same time).
 * A request counts once its body has fully arrived, even if the sender dies before the answer, and
 * whatever the answer: `perEvent` counts attempts, not successes.
 */
export async function startCountingReceiver(
  options: {
    holdMs?: number;
    /** The status to answer (200 when omitted), from the event id and X-BookFlow-Attempt. */
    status?: (eventId: string, attempt: number) => number;
  } = {},
) {
  const holdMs = options.holdMs ?? 0;
  const perEvent = new Map<string, number>();
  const succeeded = new Set<string>();
  const openPerEvent = new Map<string, number>();
  const overlapping = new Set<string>();
  const arrivals: number[] = [];
  let answered = 0;
  let lastAnsweredAt = 0;
  let open = 0;
  const server = createServer((req, res) => {
    const id = String(req.headers['x-bookflow-event-id']);
    const status = options.status?.(id, Number(req.headers['x-bookflow-attempt'])) ?? 200;
    req.resume();
    req.on('end', () => {
      arrivals.push(performance.now());
      perEvent.set(id, (perEvent.get(id) ?? 0) + 1);
      const openForId = (openPerEvent.get(id) ?? 0) + 1;
      openPerEvent.set(id, openForId);
      if (openForId > 1) overlapping.add(id);
      open += 1;
      let finished = false;
      const finish = () => {
        if (finished) return;
        finished = true;
        open -= 1;
        const left = openPerEvent.get(id)! - 1;
        if (left === 0) openPerEvent.delete(id);
        else openPerEvent.set(id, left);
      };
      // The sender may die mid-request (SIGKILL): the request still ends its "open" period.
      res.once('close', finish);
      setTimeout(() => {
        if (res.destroyed) return;
        finish();
        res.writeHead(status);
        res.end();
        if (status >= 200 && status < 300) succeeded.add(id);
        answered += 1;
        lastAnsweredAt = performance.now();
      }, holdMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    /** Requests received per event id. */
    perEvent,
    /** Event ids answered with a 2xx at least once. */
    succeeded,
    /** Event ids that had two requests open at once. */
    overlapping,
    /** performance.now() of each request's arrival, in order. */
    arrivals,
    get total(): number {
      return arrivals.length;
    },
    get distinct(): number {
      return perEvent.size;
    },
    /** Requests received beyond the first for their event id. */
    get duplicates(): number {
      return arrivals.length - perEvent.size;
    },
    get answered(): number {
      return answered;
    },
    /** performance.now() of the last answer sent. */
    get lastAnsweredAt(): number {
      return lastAnsweredAt;
    },
    /** Requests open right now. */
    get open(): number {
      return open;
    },
    waitForDistinct(count: number, timeoutMs = 30_000): Promise<true> {
      return eventually(async () => perEvent.size >= count, timeoutMs);
    },
    close(): Promise<void> {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

export type CountingReceiver = Awaited<ReturnType<typeof startCountingReceiver>>;
