import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eventually } from '../support/platform.ts';

export interface HeldRequest {
  eventId: string;
  attempt: string;
  /** Server clock, ms, when the request body had arrived. */
  at: number;
  /** Requests open on the server at that moment, this one included. */
  openAtArrival: number;
}

/**
 * An endpoint on 127.0.0.1 that keeps each request open for `holdMs` before answering, and counts
 * on its own side how many are open at once: what the customer's server would see.
 */
export async function startHoldingReceiver(options: { holdMs?: number; status?: () => number } = {}) {
  const holdMs = options.holdMs ?? 0;
  const requests: HeldRequest[] = [];
  let open = 0;
  let maxOpen = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      open += 1;
      maxOpen = Math.max(maxOpen, open);
      requests.push({
        eventId: String(req.headers['x-bookflow-event-id']),
        attempt: String(req.headers['x-bookflow-attempt']),
        at: Date.now(),
        openAtArrival: open,
      });
      setTimeout(() => {
        open -= 1;
        res.writeHead(options.status?.() ?? 200);
        res.end();
      }, holdMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    requests,
    get maxOpen() {
      return maxOpen;
    },
    waitFor(count: number, timeoutMs = 20_000): Promise<true> {
      return eventually(async () => requests.length >= count, timeoutMs);
    },
    close(): Promise<void> {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

export type HoldingReceiver = Awaited<ReturnType<typeof startHoldingReceiver>>;

/** The most requests that arrived within any window of `windowMs` (half-open, server clock). */
export function maxInWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while (sorted[end]! - sorted[start]! >= windowMs) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}
