import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createReceiver, MemoryStore, type Receiver } from '@bookflow/receiver';

/**
 * A customer's server built on the receiver kit: verifies each request with the secret it is given
 * (`useSecret`, once known: `bookflow listen` prints it at start), dedupes by event id, and runs a
 * handler that records what it processed. `gate` can hold a request open (to cut a connection
 * while it is in flight) before it reaches the kit.
 */
export async function startReceiverKit(gate?: (eventId: string) => Promise<void>) {
  let receiver: Receiver | null = null;
  const processed: string[] = [];
  const answers: Array<{ eventId: string; status: number; body: string }> = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const eventId = String(req.headers['webhook-id'] ?? '');
      await gate?.(eventId);
      if (!receiver) {
        res.writeHead(503).end();
        return;
      }
      const answer = await receiver.handle({ headers: req.headers, body: Buffer.concat(chunks) });
      answers.push({ eventId, status: answer.status, body: answer.body });
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/bookflow`,
    processed,
    answers,
    async useSecret(secret: string) {
      receiver = createReceiver({ store: new MemoryStore(), secrets: [secret] });
      receiver.onAny(async (event) => {
        processed.push(event.id);
      });
      await receiver.start();
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await receiver?.close();
    },
  };
}
