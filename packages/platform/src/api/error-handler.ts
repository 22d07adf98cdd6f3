import { isDatabaseUnavailable } from '@bookflow/pg';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../errors/catalogue.ts';

/**
 * Retry-After of a 503 database_unavailable: a PostgreSQL restart or failover takes seconds, and
 * the pool reconnects by itself on the next query, so a client that waits this long usually
 * succeeds on its first retry.
 */
export const DATABASE_RETRY_AFTER_SECONDS = 2;

/** Maps Fastify's own errors (body parsing, schema validation) onto the catalogue. */
function fromFastify(error: FastifyError): ApiError | null {
  if (error.validation) {
    const errors = error.validation.map((v) => ({
      path: `${error.validationContext ?? 'body'}${v.instancePath.replaceAll('/', '.')}`,
      message: v.message ?? 'is invalid',
      ...(v.params && 'additionalProperty' in v.params ? { property: v.params.additionalProperty } : {}),
    }));
    const detail = errors
      .map((e) => `${e.path} ${e.message}${'property' in e ? ` (${e.property})` : ''}`)
      .join('; ');
    return new ApiError('validation_failed', detail, { errors });
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError('payload_too_large', error.message);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new ApiError('unsupported_media_type', 'send the body as application/json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ApiError(
        'malformed_json',
        'the body is empty but Content-Type says JSON; send a JSON object ({} where every field is optional), or leave out both',
      );
    default:
      if (error instanceof SyntaxError || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
        return new ApiError('malformed_json', `the body is not valid JSON: ${error.message}`);
      }
      return null;
  }
}

/** Errors the router raises before any route runs (bad URL encoding, over-long parameters). */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const problem =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? new ApiError('uri_too_long', 'a path parameter is longer than any id')
      : new ApiError('malformed_request', `the URL could not be parsed: ${error.message}`);
  void reply
    .code(problem.status)
    .type('application/problem+json')
    .send(problem.toProblem(request.url.slice(0, 200)));
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const problem = error instanceof ApiError ? error : fromFastify(error);
    if (!problem && isDatabaseUnavailable(error)) {
      // A restart, failover or terminated connection: nothing was written for this request (or,
      // if the commit went through, a retry with the same Idempotency-Key answers as the first).
      request.log.warn({ err: error }, 'database unavailable; answered 503');
      const unavailable = new ApiError('database_unavailable', 'the database is briefly unavailable');
      return reply
        .code(unavailable.status)
        .header('retry-after', String(DATABASE_RETRY_AFTER_SECONDS))
        .type('application/problem+json')
        .send(unavailable.toProblem(request.url));
    }
    if (!problem) {
      request.log.error({ err: error }, 'unhandled error');
      const internal = new ApiError('internal_error', 'an internal error occurred; it has been logged');
      return reply.code(500).type('application/problem+json').send(internal.toProblem(request.url));
    }
    return reply.code(problem.status).type('application/problem+json').send(problem.toProblem(request.url));
  });
  app.setNotFoundHandler((request, reply) => {
    const problem = new ApiError(
      'route_not_found',
      `${request.method} ${request.url.split('?')[0]} is not a route`,
    );
    return reply.code(404).type('application/problem+json').send(problem.toProblem());
  });
}
