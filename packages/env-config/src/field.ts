export type Env = Record<string, string | undefined>;

/** A setting: its environment variable, the README's default and description, and its parser. */
export interface Field<T> {
  env: string;
  description: string;
  /** Shown in the README table; `(unset)` when there is no default. */
  defaultText: string;
  parse(raw: string | undefined, env: Env): T;
}

/** What a parser throws for a bad value; the message completes "<VARIABLE> …". */
export class FieldError extends Error {}

export function field<T>(spec: Field<T>): Field<T> {
  return spec;
}

/** The parsed values of a table of fields, by the table's keys. */
export type ValuesOf<Fields extends Record<string, Field<unknown>>> = {
  [K in keyof Fields]: ReturnType<Fields[K]['parse']>;
};

/**
 * Reads every field from the environment and collects every problem, not just the first, so one
 * start tells the operator all there is to fix. The values are complete when there is no problem.
 */
export function readFields<Fields extends Record<string, Field<unknown>>>(
  fields: Fields,
  env: Env,
): { values: ValuesOf<Fields>; problems: string[] } {
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, spec] of Object.entries(fields) as [string, Field<unknown>][]) {
    try {
      values[key] = spec.parse(env[spec.env], env);
    } catch (error) {
      if (!(error instanceof FieldError)) throw error;
      problems.push(`${spec.env} ${error.message}`);
    }
  }
  return { values: values as ValuesOf<Fields>, problems };
}
