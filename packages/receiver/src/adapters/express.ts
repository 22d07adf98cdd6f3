import type { IncomingMessage, ServerResponse } from 'node:http';
import { type AckResponse, problem } from '../intake/problems.ts';
import type { Receiver } from '../receiver.ts';
import { BodyTooLargeError, DEFAULT_BODY_LIMIT } from './body-limit.ts';

/**
 * The parts of an Express (or Connect, or plain node:http) request this adapter reads. Typed
 * structurally so the kit does not depend on Express's types.
 */
export type RawBodyRequest = IncomingMessage & {
  body?: unknown;
  /** Set by `captureRawBody` when it is passed as `express.json({ verify })`. */
  rawBody?: Buffer;
  /** Set by body-parser once it has consumed the stream. */
  _body?: boolean;
};

export interface ExpressWebhookOptions {
  bodyLimit?: number;
}

/**
 * The `verify` hook for `express.json()` (and `express.raw()`/`text()`), keeping the exact bytes
 * on `req.rawBody`. Use it when a global `express.json()` must run before the webhook route.
 * Trade-off: every JSON request of the app then holds its raw bytes as well as the parsed object
 * (memory), and only content types that parser accepts are captured.
 */
export function captureRawBody(req: IncomingMessage, _res: ServerResponse, buf: Buffer): void {
  (req as RawBodyRequest).rawBody = buf;
}

/**
 * Express middleware for the webhook route. It finds the raw bytes in this order:
 *   1. `req.rawBody` from `captureRawBody`;
 *   2. `req.body` as a Buffer or string, from `express.raw()`/`express.text()` on the route;
 *   3. the request stream itself, when no parser has read it: the route is registered before
 *      `app.use(express.json())`, or the global parser skipped this content type.
 * When a parser has already turned the body into an object and kept no bytes, it answers 500
 * `raw_body_unavailable` rather than verify a re-serialised object, which would not match.
 */
export function bookflowExpress(receiver: Receiver, options: ExpressWebhookOptions = {}) {
  const limit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  return (req: RawBodyRequest, res: ServerResponse, next: (error?: unknown) => void): void => {
    rawBodyOf(req, limit)
      .then(async (body) => {
        if (body === undefined) {
          return problem(
            'raw_body_unavailable',
            'a body parser consumed the request before the webhook route: mount the route before express.json(), or pass captureRawBody as its verify option',
          );
        }
        return receiver.handle({ headers: req.headers, body });
      })
      .catch((error: unknown) => {
        if (error instanceof BodyTooLargeError) return problem('payload_too_large');
        throw error;
      })
      .then((answer) => send(res, answer))
      .catch(next);
  };
}

async function rawBodyOf(req: RawBodyRequest, limit: number): Promise<Buffer | string | undefined> {
  if (Buffer.isBuffer(req.rawBody)) return req.rawBody;
  if (Buffer.isBuffer(req.body) || typeof req.body === 'string') return req.body;
  if (req._body || req.readableEnded) return undefined;
  return readStream(req, limit);
}

function readStream(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLargeError(`body larger than ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, answer: AckResponse) {
  res.statusCode = answer.status;
  for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
  res.end(answer.body);
}
