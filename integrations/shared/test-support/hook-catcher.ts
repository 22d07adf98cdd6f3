import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as it reached the catcher: the body exactly as received, with Node's lower-case headers. */
export interface CaughtRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * A stand-in for a no-code tool's hook URL (hooks.zapier.com, hook.make.com) on 127.0.0.1: it
 * answers 200 and keeps every request, so a test can hand a real delivery to the integration's code.
 * `status` sets the answer (a 500 makes deliveries fail into the dead letter).
 */
export async function startHookCatcher(status = 200) {
  const caught: CaughtRequest[] = [];
  const server: Server = createServer(async (req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    caught.push({
      method: req.method ?? '',
      path: req.url ?? '',
      headers,
      body: Buffer.concat(chunks).toString('utf8'),
    });
    res.writeHead(status, { 'content-type': 'application/json' }).end('{"status":"ok"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    caught,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // the platform's sender keeps connections alive; close() alone would wait for them
        server.closeAllConnections();
      }),
  };
}
