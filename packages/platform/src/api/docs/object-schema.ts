/**
 * An object schema whose every field is always in the answer (a field with no value is null), so
 * the generated client types mark none of them optional.
 */
export function allRequired<P extends object>(properties: P) {
  return { type: 'object', required: Object.keys(properties), properties } as const;
}

/** An object schema that documents its fields without promising any of them. */
export function optionalFields<P extends object>(properties: P) {
  return { type: 'object', properties } as const;
}

/**
 * A request body, query string or nested input of these fields and no others: an unknown field is
 * refused, not ignored. Each field is optional unless `required` names it.
 */
export function onlyFields<P extends object>(properties: P, required?: readonly (keyof P & string)[]) {
  return required
    ? ({ type: 'object', additionalProperties: false, required, properties } as const)
    : ({ type: 'object', additionalProperties: false, properties } as const);
}
