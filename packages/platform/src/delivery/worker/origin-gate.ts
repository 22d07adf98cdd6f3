/**
 * At most `perOrigin` requests open to one origin from this worker; the rest wait here, in order.
 * The sender's connection pool would queue them too, but its total timeout runs from the call, so
 * a request that waited there for a socket could time out on our side after the receiver had
 * already got it (and the retry sent it again). Waiting here, before the sender is called, keeps
 * the timeout to the request itself. Endpoints are capped at `perOrigin` already (fair-shares.ts),
 * so only endpoints sharing an origin ever wait.
 */
export class OriginGate {
  private readonly open = new Map<string, number>();
  private readonly queues = new Map<string, Array<() => void>>();

  constructor(private readonly perOrigin: number) {}

  async acquire(origin: string): Promise<void> {
    const n = this.open.get(origin) ?? 0;
    if (n < this.perOrigin) {
      this.open.set(origin, n + 1);
      return;
    }
    await new Promise<void>((resolve) => {
      const queue = this.queues.get(origin) ?? [];
      queue.push(resolve);
      this.queues.set(origin, queue);
    });
  }

  release(origin: string): void {
    const queue = this.queues.get(origin);
    const next = queue?.shift();
    if (next) {
      // The slot passes straight to the next waiter: the open count stays the same.
      if (queue!.length === 0) this.queues.delete(origin);
      next();
      return;
    }
    const n = (this.open.get(origin) ?? 1) - 1;
    if (n > 0) this.open.set(origin, n);
    else this.open.delete(origin);
  }
}

const origins = new Map<string, string | null>();

/**
 * The pool key of a URL (scheme, host, port); null when it does not parse (the sender reports that).
 * Remembered per URL string: every delivery asks, and an endpoint's URL rarely changes.
 */
export function originOf(url: string): string | null {
  const known = origins.get(url);
  if (known !== undefined) return known;
  let origin: string | null;
  try {
    origin = new URL(url).origin;
  } catch {
    origin = null;
  }
  if (origins.size >= 10_000) origins.clear();
  origins.set(url, origin);
  return origin;
}
