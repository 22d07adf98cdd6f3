import { parseDuration } from '@bookflow/events';
import { type Env, type Field, FieldError, field } from './field.ts';

/** The trimmed value, or undefined when it is unset or blank. */
export function optionalString(raw: string | undefined): string | undefined {
  const value = raw?.trim();
  return value ? value : undefined;
}

export function integer(raw: string | undefined, fallback: number, min: number, max: number): number {
  const value = optionalString(raw);
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new FieldError(`must be an integer from ${min} to ${max}`);
  return n;
}

/** Milliseconds from a duration such as `30s` or `5m` (the events package's one parser). */
export function duration(raw: string | undefined, fallback: string): number {
  try {
    return parseDuration(optionalString(raw) ?? fallback);
  } catch (error) {
    throw new FieldError((error as Error).message);
  }
}

export function boolean(raw: string | undefined, fallback: boolean): boolean {
  const value = optionalString(raw)?.toLowerCase();
  if (value === undefined) return fallback;
  if (['1', 'true', 'yes', 'on'].includes(value)) return true;
  if (['0', 'false', 'no', 'off'].includes(value)) return false;
  throw new FieldError('must be true or false');
}

/** The URL as given, when it parses and has one of `protocols`; undefined when unset. */
export function url(raw: string | undefined, protocols: readonly string[]): string | undefined {
  const value = optionalString(raw);
  if (value === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new FieldError('must be a URL');
  }
  if (!protocols.includes(parsed.protocol)) throw new FieldError(`must be a ${protocols.join(' or ')} URL`);
  return value;
}

// Fields whose default is written once: it is both the value used when unset and the README's text.

export function durationField(env: string, fallback: string, description: string): Field<number> {
  return field({ env, description, defaultText: fallback, parse: (raw) => duration(raw, fallback) });
}

export function integerField(
  env: string,
  fallback: number,
  range: { min: number; max: number },
  description: string,
): Field<number> {
  return field({
    env,
    description,
    defaultText: String(fallback),
    parse: (raw) => integer(raw, fallback, range.min, range.max),
  });
}

export function booleanField(env: string, fallback: boolean, description: string): Field<boolean> {
  return field({ env, description, defaultText: String(fallback), parse: (raw) => boolean(raw, fallback) });
}

export function textField(env: string, fallback: string, description: string): Field<string> {
  return field({ env, description, defaultText: fallback, parse: (raw) => optionalString(raw) ?? fallback });
}

export function choiceField<const C extends string>(
  env: string,
  fallback: C,
  choices: readonly C[],
  description: string,
): Field<C> {
  return field({
    env,
    description,
    defaultText: fallback,
    parse: (raw) => {
      const value = optionalString(raw) ?? fallback;
      if (!(choices as readonly string[]).includes(value)) {
        throw new FieldError(`must be one of ${choices.join(', ')}`);
      }
      return value as C;
    },
  });
}

/**
 * `base` with one more condition on its parsed value (and, through `env`, on other settings):
 * `problem` returns what is wrong, completing "<VARIABLE> …", or undefined when the value is fine.
 * The variable, default and description stay those of `base`.
 */
export function checkedField<T>(
  base: Field<T>,
  problem: (value: T, env: Env) => string | undefined,
): Field<T> {
  return field({
    ...base,
    parse: (raw, env) => {
      const value = base.parse(raw, env);
      const wrong = problem(value, env);
      if (wrong !== undefined) throw new FieldError(wrong);
      return value;
    },
  });
}

/** A setting with no default: its trimmed value, or undefined. */
export function optionalTextField(env: string, description: string): Field<string | undefined> {
  return field({ env, description, defaultText: '(unset)', parse: (raw) => optionalString(raw) });
}

/**
 * `value`, or a FieldError when it is unset although `variable` is set (to `equals`, when given):
 * a setting another one needs, such as the warehouse URL of BOOKFLOW_WAREHOUSE=postgres.
 */
export function requiredWhen<T>(
  value: T | undefined,
  env: Env,
  variable: string,
  equals?: string,
): T | undefined {
  const other = optionalString(env[variable]);
  if (value === undefined && other !== undefined && (equals === undefined || other === equals)) {
    throw new FieldError(
      equals === undefined ? `is required with ${variable}` : `is required when ${variable}=${equals}`,
    );
  }
  return value;
}

/** A URL setting with no default; `required` names the setting that needs it, when one does. */
export function urlField(
  env: string,
  protocols: readonly string[],
  description: string,
  required?: { with: string; equals?: string },
): Field<string | undefined> {
  return field({
    env,
    description,
    defaultText: '(unset)',
    parse: (raw, all) => {
      const value = url(raw, protocols);
      return required ? requiredWhen(value, all, required.with, required.equals) : value;
    },
  });
}
