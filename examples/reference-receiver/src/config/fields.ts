import { parseDuration } from '@bookflow/events';

// The typed config's building blocks: one field per setting, its variable, default and parser.

export type Env = Record<string, string | undefined>;

export interface Field<T> {
  env: string;
  description: string;
  /** Shown in the README table; `undefined` means "unset". */
  defaultText: string;
  parse(raw: string | undefined, env: Env): T;
}

export class FieldError extends Error {}

export function field<T>(spec: Field<T>): Field<T> {
  return spec;
}

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

/** A field whose default is written once: it is both the value used when unset and the README's text. */
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

export function textField(env: string, fallback: string, description: string): Field<string> {
  return field({ env, description, defaultText: fallback, parse: (raw) => optionalString(raw) ?? fallback });
}
