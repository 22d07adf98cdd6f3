/**
 * An object schema whose every field is always in the answer (a field with no value is null), so
 * the generated client types mark none of them optional.
 */
export function allRequired<P extends object>(properties: P) {
  return { type: 'object', required: Object.keys(properties), properties } as const;
}
