/** Channel and table names are identifiers, which cannot be bound as parameters; quote them instead. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
