import type { ApiError } from '../../errors/catalogue.ts';

/**
 * The problem the API answers for each reason an operation refuses with. Keyed by reason, so the
 * type checks that every reason has its problem and each entry sees its own refusal's fields;
 * `Context` is what the entries need besides the refusal (the request's values they quote).
 */
export type ProblemTable<Refusal extends { reason: string }, Context extends unknown[] = []> = {
  [Reason in Refusal['reason']]: (refusal: Refusal & { reason: Reason }, ...context: Context) => ApiError;
};

/** The problem `table` gives for `refusal`. */
export function problemFor<Refusal extends { reason: string }, Context extends unknown[]>(
  table: ProblemTable<Refusal, Context>,
  refusal: Refusal,
  ...context: Context
): ApiError {
  const problem = table[refusal.reason as Refusal['reason']] as (
    refusal: Refusal,
    ...context: Context
  ) => ApiError;
  return problem(refusal, ...context);
}
