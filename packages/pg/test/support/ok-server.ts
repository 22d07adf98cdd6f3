import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A local HTTP server that answers "ok" at once: what the event-loop tests ask while SQL runs. */
export interface OkServer {
  /** One GET, resolved once its response has been read to the end. */
  get(): Promise<void>;
  close(): void;
}

export async function startOkServer(): Promise<OkServer> {
  const server = http.createServer((_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    get: () =>
      new Promise<void>((resolve, reject) => {
        http
          .get({ host: '127.0.0.1', port, path: '/' }, (res) => {
            res.resume();
            res.on('end', resolve);
          })
          .on('error', reject);
      }),
    close: () => server.close(),
  };
}
