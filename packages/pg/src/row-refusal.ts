/**
 * SQLSTATE classes in which the database refuses a row for what it contains, as opposed to being
 * unreachable or busy: 22 data exception (e.g. 22021, a byte sequence invalid in UTF-8), 23
 * integrity constraint violation, 54 program limit exceeded (e.g. a value too large to index).
 * Retrying such a row as it is fails again; a batch holding one must set it apart and go on.
 */
const ROW_REFUSAL_CLASSES = new Set(['22', '23', '54']);

export function isRowRefusal(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.length === 5 && ROW_REFUSAL_CLASSES.has(code.slice(0, 2));
}
