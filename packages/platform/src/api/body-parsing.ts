import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../errors/catalogue.ts';

/** Deeper JSON than this is refused: no event payload needs it, and deep nesting is a cheap way to burn CPU. */
export const MAX_JSON_DEPTH = 32;

/** Depth of a parsed JSON value, iteratively (a recursive walk could itself overflow the stack). */
export function jsonDepth(value: unknown): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    const level = depth + 1;
    if (level > max) max = level;
    if (max > MAX_JSON_DEPTH) return max;
    for (const child of Object.values(node)) stack.push([child, level]);
  }
  return max;
}

/**
 * Only application/json bodies are accepted (Fastify's text/plain parser is removed, so anything
 * else is a 415). Fastify's own JSON parser keeps its prototype-poisoning protection; the depth
 * check runs on its result.
 */
export function installJsonOnly(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    parseJson(request, body as string, (err, parsed) => {
      if (err) return done(err, undefined);
      if (jsonDepth(parsed) > MAX_JSON_DEPTH) {
        return done(
          new ApiError('json_too_deep', `JSON nested deeper than ${MAX_JSON_DEPTH} levels`),
          undefined,
        );
      }
      done(null, parsed);
    });
  });
}

/**
 * Errors Node's HTTP parser raises before Fastify sees a request (headers over the limit, a
 * malformed request line) still get a problem+json answer.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
  const problem = tooLarge
    ? new ApiError('headers_too_large', 'the request headers or URL are over the size limit (16 KB)')
    : new ApiError('malformed_request', 'the HTTP request could not be parsed');
  const body = JSON.stringify(problem.toProblem());
  socket.end(
    `HTTP/1.1 ${problem.status} ${tooLarge ? 'Request Header Fields Too Large' : 'Bad Request'}\r\n` +
      'Content-Type: application/problem+json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
}
