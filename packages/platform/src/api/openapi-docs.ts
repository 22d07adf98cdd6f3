import { ERROR_CATALOGUE, type ErrorCode } from '../errors/catalogue.ts';

/** The problem+json body every error answers, for the OpenAPI document. */
const PROBLEM_SCHEMA = {
  type: 'object',
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    code: { type: 'string' },
    detail: { type: 'string' },
  },
  additionalProperties: true,
} as const;

/**
 * OpenAPI responses for the problems a route can answer, grouped by status (one entry per status,
 * its description naming the codes). `validation_failed` and `unauthorized` are usually among them.
 */
export function problemResponses(...codes: ErrorCode[]): Record<string, unknown> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    const status = ERROR_CATALOGUE[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return Object.fromEntries(
    [...byStatus].map(([status, list]) => [
      String(status),
      {
        description: list.map((c) => `${c}: ${ERROR_CATALOGUE[c].title}`).join('; '),
        content: { 'application/problem+json': { schema: PROBLEM_SCHEMA } },
      },
    ]),
  );
}
