import { problem } from '../intake/problems.ts';
import type { Receiver } from '../receiver.ts';
import { DEFAULT_BODY_LIMIT } from './body-limit.ts';

export interface FetchHandlerOptions {
  bodyLimit?: number;
}

export type FetchHandler = (request: Request) => Promise<Response>;

/**
 * A Fetch-API handler: Hono (`app.post(path, (c) => handler(c.req.raw))`), Next.js App Router
 * (`export const POST = handler`), Bun, Deno, Cloudflare-style runtimes. The body is read once as
 * bytes with `arrayBuffer()`, never through `json()`.
 */
export function createFetchHandler(receiver: Receiver, options: FetchHandlerOptions = {}): FetchHandler {
  const limit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  return async (request) => {
    if (request.method !== 'POST') {
      const answer = problem('method_not_allowed');
      return new Response(answer.body, {
        status: answer.status,
        headers: { ...answer.headers, allow: 'POST' },
      });
    }
    const declared = Number(request.headers.get('content-length') ?? 0);
    if (declared > limit) return toResponse(problem('payload_too_large'));
    const body = new Uint8Array(await request.arrayBuffer());
    if (body.byteLength > limit) return toResponse(problem('payload_too_large'));
    return toResponse(await receiver.handle({ headers: request.headers, body }));
  };
}

function toResponse(answer: { status: number; headers: Record<string, string>; body: string }): Response {
  return new Response(answer.body, { status: answer.status, headers: answer.headers });
}
