import type { FastifyInstance, FastifyRequest } from 'fastify';
import { fieldTextProblem, findTextProblems, type TextProblem } from '../db/text-checks.ts';
import { ApiError } from '../errors/catalogue.ts';
import { checkStorableEventData } from '../events/validation.ts';
import { dataRefusalProblem } from './routes/event-problems.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The body property that holds event data: unstorable text there is `invalid_event_data`
     * (422, like any other problem with the data) rather than `invalid_text`.
     */
    eventDataProperty?: string;
  }
}

/** Headers whose value is used as one value (and stored): a second copy is ambiguous, not joined. */
const SINGLE_HEADERS = ['idempotency-key'];

function duplicateHeaders(request: FastifyRequest): void {
  const raw = request.raw.rawHeaders;
  for (const name of SINGLE_HEADERS) {
    let seen = 0;
    for (let i = 0; i < raw.length; i += 2) if (raw[i]!.toLowerCase() === name) seen += 1;
    // Node joins repeated unknown headers with ", ", which would silently make a third key out of two.
    if (seen > 1 || Array.isArray(request.headers[name])) {
      throw new ApiError('duplicate_header', `send the ${name} header once; it was sent more than once`);
    }
  }
}

function textProblems(request: FastifyRequest): TextProblem[] {
  const problems: TextProblem[] = [];
  for (const name of SINGLE_HEADERS) {
    const value = request.headers[name];
    const message = typeof value === 'string' ? fieldTextProblem(value) : null;
    if (message) problems.push({ path: `headers.${name}`, message });
  }
  problems.push(...findTextProblems(request.query, 'query', fieldTextProblem));
  const body = request.body;
  const dataProperty = request.routeOptions.config?.eventDataProperty;
  if (dataProperty && body && typeof body === 'object' && dataProperty in body) {
    const { [dataProperty]: data, ...rest } = body as Record<string, unknown>;
    problems.push(...findTextProblems(rest, 'body', fieldTextProblem));
    const refusal = problems.length === 0 ? checkStorableEventData(data) : null;
    if (refusal) throw dataRefusalProblem(refusal);
  } else {
    problems.push(...findTextProblems(body, 'body', fieldTextProblem));
  }
  return problems;
}

/**
 * One rule for every route: a NUL, a lone surrogate or a leading byte-order mark in a body field, a
 * query parameter or a stored header is refused before any statement runs (the database cannot
 * keep them as sent, see db/text-checks.ts), instead of failing inside a query as a 500 or being
 * silently altered.
 * It runs after schema validation, so a wrong type or unknown field is still `validation_failed`.
 * Path parameters are not checked here: they are ids, shape-checked before any query, so anything
 * odd in one answers 404 like any id that does not exist.
 */
export function installTextGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => duplicateHeaders(request));
  app.addHook('preHandler', async (request) => {
    const problems = textProblems(request);
    if (problems.length === 0) return;
    throw new ApiError('invalid_text', problems.map((p) => `${p.path} ${p.message}`).join('; '), {
      errors: problems,
    });
  });
}
