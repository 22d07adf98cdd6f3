// A receiver that answers 200 at once and notes, per event id, when it first did (epoch ms with
// sub-millisecond precision, the same clock as the process that publishes): the end of the
// end-to-end latency of bench/e2e-latency.ts.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serveChild } from '../support/child-process.ts';

const now = () => performance.timeOrigin + performance.now();

serveChild(async () => {
  const firstOk = new Map<string, number>();
  let duplicates = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.end('ok');
      const id = req.headers['webhook-id'];
      if (typeof id !== 'string') return;
      if (firstOk.has(id)) duplicates++;
      else firstOk.set(id, now());
    });
  });
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: () => `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    count: () => firstOk.size,
    times: () => ({ times: Object.fromEntries(firstOk), duplicates }),
    stop: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
});
