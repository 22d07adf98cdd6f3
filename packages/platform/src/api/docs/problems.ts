import { ERROR_CATALOGUE, ERROR_TYPE_BASE, type ErrorCode } from '../../errors/catalogue.ts';

/** The problem+json document every error answers with (RFC 9457), as a shared schema. */
export const PROBLEM_SCHEMA = {
  $id: 'Problem',
  type: 'object',
  description: 'An error (RFC 9457 problem details) with a stable `code` from the error catalogue.',
  required: ['type', 'title', 'status', 'code'],
  properties: {
    type: { type: 'string', description: 'A URL naming the error: the base URL and its code' },
    title: { type: 'string', description: 'What the code means, the same for every answer with it' },
    status: { type: 'integer', description: 'The HTTP status' },
    code: { type: 'string', enum: Object.keys(ERROR_CATALOGUE), description: 'The stable error code' },
    detail: { type: 'string', description: 'What went wrong in this request, and what to do' },
    instance: { type: 'string', description: 'The request path' },
  },
  additionalProperties: true,
} as const;

function problemExample(code: ErrorCode) {
  const entry = ERROR_CATALOGUE[code];
  return {
    summary: code,
    value: { type: ERROR_TYPE_BASE + code, title: entry.title, status: entry.status, code },
  };
}

/**
 * One OpenAPI response per HTTP status the codes map to, each `application/problem+json` with a
 * named example per code, so a client generator and a reader both see which codes a route gives.
 */
export function problemResponses(codes: Iterable<ErrorCode>): Record<number, object> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set(codes)) {
    const status = ERROR_CATALOGUE[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses: Record<number, object> = {};
  for (const [status, list] of [...byStatus].sort((a, b) => a[0] - b[0])) {
    responses[status] = {
      description: list.map((c) => `\`${c}\`: ${ERROR_CATALOGUE[c].title}`).join('; '),
      content: {
        'application/problem+json': {
          schema: { $ref: 'Problem#' },
          examples: Object.fromEntries(list.map((c) => [c, problemExample(c)])),
        },
      },
    };
  }
  return responses;
}
