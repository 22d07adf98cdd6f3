/**
 * The API's types, generated from the OpenAPI document the platform serves (../generated/schema.ts,
 * never edited by hand; kept out of src/ so that only hand-written code lives there). Types only:
 * importing this package adds nothing to a bundle.
 */
import type { components, operations } from '../generated/schema.ts';

export type { components, operations, paths } from '../generated/schema.ts';

/** A shared schema of the document by name, e.g. `Schema<'Delivery'>`. */
export type Schema<Name extends keyof components['schemas']> = components['schemas'][Name];

type JsonOf<Response> = Response extends { content: { 'application/json': infer Body } } ? Body : never;

/** The JSON body of an operation's 200 (or 201) answer, by operationId, e.g. `Answer<'getStats'>`. */
export type Answer<Id extends keyof operations> = operations[Id]['responses'] extends { 200: infer Ok }
  ? JsonOf<Ok>
  : operations[Id]['responses'] extends { 201: infer Created }
    ? JsonOf<Created>
    : never;
