import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** Raw bytes to answer with, instead of `body` (invalid UTF-8, NUL, compressed data). */
  bytes?: Buffer;
  /** Never answer (to trigger the sender's timeout). */
  hang?: boolean;
  /** Drop the connection without answering (the sender sees a reset). */
  reset?: boolean;
}

/**
 * A real HTTP server on 127.0.0.1 standing in for a customer's endpoint. `respond` decides each
 * answer from the request and how many came before it.
 */
export async function startReceiver(
  respond: (req: ReceivedRequest, index: number) => Reply = () => ({ status: 200 }),
) {
  const requests: ReceivedRequest[] = [];
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const received = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      };
      const index = requests.length;
      requests.push(received);
      for (const w of [...waiters]) {
        if (requests.length >= w.count) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
      }
      const reply = respond(received, index);
      if (reply.hang) return;
      if (reply.reset) {
        req.socket.destroy();
        return;
      }
      res.writeHead(reply.status, reply.headers ?? {});
      res.end(reply.bytes ?? reply.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    port,
    requests,
    /** Resolves once `count` requests have arrived; rejects after timeoutMs. */
    waitFor(count: number, timeoutMs = 15_000): Promise<void> {
      if (requests.length >= count) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`expected ${count} requests, got ${requests.length} in ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.push({
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
    },
    close(): Promise<void> {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

export type TestReceiver = Awaited<ReturnType<typeof startReceiver>>;
