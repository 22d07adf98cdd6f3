// The noisy-neighbour benchmark's endpoints: one node:http server per port (each its own origin, as
// each customer's endpoint is), each answering 200 after its own delay. Counts requests per port
// and the deliveries (event id) answered at least once, so repeated sends show.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serveChild } from '../support/child-process.ts';

export interface SlowReceiverSpec {
  /** Answer delay of each port, in ms (0 = at once). */
  delaysMs: number[];
}

export interface PortCounts {
  requests: number;
  distinct: number;
}

serveChild<SlowReceiverSpec>(async (spec) => {
  const counts: PortCounts[] = spec.delaysMs.map(() => ({ requests: 0, distinct: 0 }));
  const seen = spec.delaysMs.map(() => new Set<string>());
  const servers: Server[] = [];
  for (const [i, delay] of spec.delaysMs.entries()) {
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const c = counts[i]!;
        c.requests++;
        const id = req.headers['webhook-id'];
        if (typeof id === 'string' && !seen[i]!.has(id)) {
          seen[i]!.add(id);
          c.distinct++;
        }
        if (delay > 0) setTimeout(() => res.end('ok'), delay);
        else res.end('ok');
      });
    });
    server.keepAliveTimeout = 120_000;
    // Enough sockets for every sender connection to a slow origin.
    server.maxConnections = 10_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', 1_024, resolve));
    servers.push(server);
  }
  return {
    urls: () => servers.map((s, i) => `http://127.0.0.1:${(s.address() as AddressInfo).port}/hook/${i}`),
    counts: () => counts,
    stop: async () => {
      for (const s of servers) s.closeAllConnections();
      await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    },
  };
});
