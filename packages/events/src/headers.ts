/** Header lookup that works for Node's lower-cased objects, Fetch `Headers` and plain records. */
export type HeaderSource =
  | { get(name: string): string | null }
  | Record<string, string | string[] | undefined>;

/**
 * The value of one header, looked up by name whatever its case, from any HeaderSource. A header
 * sent more than once (an array in a Node record) is joined with `separator`: ", " as HTTP joins
 * list headers, or " " where the values are space-separated lists themselves (signatures).
 */
export function readHeader(headers: HeaderSource, name: string, separator = ', '): string | undefined {
  if (typeof (headers as { get?: unknown }).get === 'function') {
    return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  }
  const record = headers as Record<string, string | string[] | undefined>;
  const value = record[name] ?? record[name.toLowerCase()] ?? findCaseInsensitive(record, name);
  return Array.isArray(value) ? value.join(separator) : value;
}

function findCaseInsensitive(record: Record<string, string | string[] | undefined>, name: string) {
  const lower = name.toLowerCase();
  for (const key of Object.keys(record)) {
    if (key.toLowerCase() === lower && record[key] !== undefined) return record[key];
  }
  return undefined;
}
