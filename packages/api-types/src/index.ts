/**
 * The API's types, generated from the OpenAPI document the platform serves (schema.ts, never
 * edited by hand). Types only: importing this package adds nothing to a bundle.
 */
import type { components } from './schema.ts';

export type { components, operations, paths } from './schema.ts';

/** A shared schema of the document by name, e.g. `Schema<'Delivery'>`. */
export type Schema<Name extends keyof components['schemas']> = components['schemas'][Name];
