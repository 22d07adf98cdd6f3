/**
 * Problem details (RFC 9457) as BookFlow answers them: the platform's API and the receiver kit
 * each keep a catalogue of stable codes, and both build their documents here, so the two answer
 * in one format (`type`, `title`, `status`, `code`, then `detail` and whatever the caller adds).
 */

/** The fixed part of a problem: the HTTP status it answers with and its title. */
export interface ProblemEntry {
  readonly status: number;
  readonly title: string;
}

type CodesOf<T> = { [S in keyof T]: keyof T[S] }[keyof T] & string;

/**
 * A catalogue of stable problem codes, written grouped by the HTTP status they answer with
 * (`{ 400: { code: 'title' } }`) and read as one map from each code to its status and title.
 */
export function problemCatalogue<const T extends Record<number, Record<string, string>>>(
  byStatus: T,
): Record<CodesOf<T>, ProblemEntry> {
  const entries = Object.entries(byStatus).flatMap(([status, titles]) =>
    Object.entries(titles).map(([code, title]) => [code, { status: Number(status), title }] as const),
  );
  return Object.fromEntries(entries) as Record<CodesOf<T>, ProblemEntry>;
}

/** The problem document for `code`; `detail` and `more` come from our own messages, never secrets. */
export function problemDocument(
  type: string,
  code: string,
  entry: ProblemEntry,
  detail?: string,
  more?: Record<string, unknown>,
): Record<string, unknown> {
  return {
    type,
    title: entry.title,
    status: entry.status,
    code,
    ...(detail ? { detail } : {}),
    ...more,
  };
}
