/**
 * NUL and lone UTF-16 surrogates: a JSON string may carry both (`\u0000`, `\ud800`), and no store
 * can keep them as text: PostgreSQL's text and jsonb refuse NUL, jsonb refuses lone surrogates,
 * and a UTF-8 encoder silently replaces them.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching NUL is the point
const UNSTORABLE = /\u0000|\p{Cs}/gu;

/** A value kept only for people to read (headers, error messages): unstorable characters become U+FFFD. */
export function storableText(value: string, maxLength = 2000): string {
  return value.slice(0, maxLength).replace(UNSTORABLE, '\uFFFD');
}

/** Identifiers used as keys (event id, type, schema version): printable, well-formed, bounded. */
const IDENTIFIER = /^[^\p{Cc}\p{Cs}]{1,255}$/u;

export function isStorableIdentifier(value: string): boolean {
  return IDENTIFIER.test(value);
}
