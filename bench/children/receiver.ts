// The customer's endpoint stand-in: node:http answering 200 at once, in its own process so it never
// competes with the worker under test for an event loop. One server per endpoint (ports), so ten
// endpoints are ten origins, each with its own connection pool in the sender, as in production.
//
// With `failEvery` = k, the first attempt of every k-th event (by a hash of its id, so the same
// events fail whichever system sends them) is answered 500; every later attempt gets 200.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serveChild } from '../support/child-process.ts';

export interface ReceiverSpec {
  ports: number;
  failEvery: number;
}

export interface ReceiverStats {
  requests: number;
  ok: number;
  failed: number;
  /** Deliveries (endpoint, event id) answered 200 at least once. */
  distinct: number;
  /** 200s beyond the first for a delivery: what at-least-once cost. */
  duplicates: number;
}

function eventId(req: IncomingMessage): string | undefined {
  const id = req.headers['webhook-id'] ?? req.headers['x-bookflow-event-id'];
  return typeof id === 'string' ? id : undefined;
}

/** Stable per event: the last 24 bits of the UUID, which are random in v4 and v7 alike. */
export function failsFirstAttempt(id: string, every: number): boolean {
  return every > 0 && Number.parseInt(id.slice(-6), 16) % every === 0;
}

serveChild<ReceiverSpec>(async (spec) => {
  const stats: ReceiverStats = { requests: 0, ok: 0, failed: 0, distinct: 0, duplicates: 0 };
  let seen = new Set<string>();
  const servers: Server[] = [];
  for (let i = 0; i < spec.ports; i++) {
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        stats.requests++;
        const id = eventId(req);
        if (id && req.headers['x-bookflow-attempt'] === '1' && failsFirstAttempt(id, spec.failEvery)) {
          stats.failed++;
          res.statusCode = 500;
          res.end('planned failure');
          return;
        }
        stats.ok++;
        if (id) {
          const key = `${i}:${id}`;
          if (seen.has(key)) stats.duplicates++;
          else {
            seen.add(key);
            stats.distinct++;
          }
        }
        res.end('ok');
      });
    });
    // Longer than any pause in a run, so senders keep their pooled connections.
    server.keepAliveTimeout = 120_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
  }
  return {
    urls: () => servers.map((s, i) => `http://127.0.0.1:${(s.address() as AddressInfo).port}/hook/${i}`),
    stats: () => stats,
    reset: () => {
      Object.assign(stats, { requests: 0, ok: 0, failed: 0, distinct: 0, duplicates: 0 });
      seen = new Set();
    },
    rss: () => process.memoryUsage().rss,
    /** CPU ms of this process so far (user + system). */
    cpu: () => {
      const { user, system } = process.cpuUsage();
      return (user + system) / 1000;
    },
    stop: async () => {
      for (const s of servers) s.closeAllConnections();
      await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    },
  };
});
