import type { SimEvent } from './story.ts';

/** Why one event was not accepted: the HTTP status and the platform's problem code, or a network error. */
export interface PublishFailure {
  status: number | null;
  code: string;
  detail: string;
}

const RETRIES = 3;

/**
 * Publishes events through the public API (`POST /v1/events`), each with an Idempotency-Key so a
 * retry after a timeout or a 5xx cannot publish it twice. Refusals (4xx) are not retried: they
 * are reported, since a valid stream should never get one.
 */
export class Publisher {
  private readonly runId = Date.now().toString(36);

  constructor(
    private readonly url: string,
    private readonly apiKey: string,
    private readonly seed: number,
  ) {}

  async publish(event: SimEvent, seq: number): Promise<PublishFailure | null> {
    const key = `sim-${this.seed}-${this.runId}-${seq}`;
    let last: PublishFailure | null = null;
    for (let attempt = 0; attempt <= RETRIES; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
      try {
        const res = await fetch(`${this.url}/v1/events`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${this.apiKey}`,
            'content-type': 'application/json',
            'idempotency-key': key,
          },
          body: JSON.stringify({ type: event.type, data: event.data }),
        });
        const text = await res.text();
        if (res.ok) return null;
        const problem = safeJson(text) as { code?: string; detail?: string } | null;
        last = {
          status: res.status,
          code: problem?.code ?? 'http_error',
          detail: problem?.detail ?? text.slice(0, 200),
        };
        if (res.status < 500 && res.status !== 429) return last;
      } catch (err) {
        last = { status: null, code: 'network_error', detail: (err as Error).message };
      }
    }
    return last;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
