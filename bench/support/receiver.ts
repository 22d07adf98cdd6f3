// Parent-side handle on the receiver child (children/receiver.ts).
import type { ReceiverStats } from '../children/receiver.ts';
import { type Child, startChild } from './child-process.ts';
import { waitUntil } from './progress.ts';

export interface Receiver {
  urls: string[];
  stats(): Promise<ReceiverStats>;
  reset(): Promise<void>;
  /** CPU ms the receiver process has used so far. */
  cpuMs(): Promise<number>;
  /** Resolves once `count` distinct deliveries were answered 200; throws after timeoutMs. */
  waitForDistinct(count: number, timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
  child: Child;
}

export async function startReceiver(ports = 1, failEvery = 0): Promise<Receiver> {
  const child = await startChild('receiver', { ports, failEvery });
  const urls = await child.call<string[]>('urls');
  const stats = () => child.call<ReceiverStats>('stats');
  return {
    urls,
    stats,
    reset: () => child.call('reset').then(() => {}),
    cpuMs: () => child.call<number>('cpu'),
    waitForDistinct: (count, timeoutMs) =>
      waitUntil(
        async () => (await stats()).distinct >= count,
        timeoutMs,
        async () => `receiver has ${(await stats()).distinct} of ${count} deliveries`,
      ),
    stop: () => child.stop(),
    child,
  };
}
