/**
 * The event schemas of @bookflow/events as flat, labelled fields: what a no-code tool shows a user
 * when they map "Lead Email" into a spreadsheet column. The Zapier app declares its output fields
 * from these and the Make app its output interfaces, so both follow the catalogue: a new event type
 * or field appears in both without an edit here.
 */

export type FieldType = 'string' | 'integer' | 'number' | 'boolean' | 'datetime';

export interface SchemaField {
  /** Property names from the root of `data` (or of the envelope) to the value. */
  path: string[];
  label: string;
  type: FieldType;
  /** An array of `type` values (e.g. lead.disqualified's reason codes). */
  list: boolean;
  /** Present in every payload; false for optional fields (lead.title). */
  required: boolean;
  nullable: boolean;
  description?: string;
  /** The allowed values, for enums. */
  choices?: string[];
}

type Schema = Record<string, unknown>;

/** Words written in capitals when they appear in a label. */
const ACRONYMS: Record<string, string> = { id: 'ID', url: 'URL', ai: 'AI' };

/** "meeting", "start_at" → "Meeting Start At"; "transcript_url" → "Transcript URL". */
export function labelOf(path: readonly string[]): string {
  return path
    .flatMap((segment) => segment.split('_'))
    .map((word) => ACRONYMS[word] ?? word.charAt(0).toUpperCase() + word.slice(1))
    .join(' ');
}

function typesOf(schema: Schema): string[] {
  const t = schema.type;
  if (Array.isArray(t)) return t.map(String);
  if (typeof t === 'string') return [t];
  if (Array.isArray(schema.enum)) return [...new Set(schema.enum.map((v) => typeof v))];
  return [];
}

function scalarType(schema: Schema): FieldType {
  const types = typesOf(schema).filter((t) => t !== 'null');
  if (types.includes('integer')) return 'integer';
  if (types.includes('number')) return 'number';
  if (types.includes('boolean')) return 'boolean';
  return schema.format === 'date-time' ? 'datetime' : 'string';
}

/** Every leaf of an object schema, depth first in declaration order. Nested objects flatten into their leaves. */
export function schemaFields(schema: object, prefix: string[] = [], parentRequired = true): SchemaField[] {
  const s = schema as Schema;
  const properties = (s.properties ?? {}) as Record<string, Schema>;
  const required = new Set((s.required ?? []) as string[]);
  const fields: SchemaField[] = [];
  for (const [name, child] of Object.entries(properties)) {
    const path = [...prefix, name];
    const isRequired = parentRequired && required.has(name);
    const types = typesOf(child);
    if (types.includes('object')) {
      fields.push(...schemaFields(child, path, isRequired));
      continue;
    }
    const isList = types.includes('array');
    const leaf = isList ? ((child.items ?? {}) as Schema) : child;
    const choices = Array.isArray(leaf.enum) ? leaf.enum.map(String) : undefined;
    fields.push({
      path,
      label: labelOf(path),
      type: scalarType(leaf),
      list: isList,
      required: isRequired,
      nullable: types.includes('null'),
      ...(typeof child.description === 'string' ? { description: child.description } : {}),
      ...(choices ? { choices } : {}),
    });
  }
  return fields;
}

/** The envelope fields every delivery carries besides `data`, labelled as a user reads them. */
export const ENVELOPE_FIELDS: SchemaField[] = [
  {
    path: ['id'],
    label: 'Event ID',
    type: 'string',
    description: 'unique per event: use it to skip duplicates',
  },
  { path: ['type'], label: 'Event Type', type: 'string' },
  { path: ['created_at'], label: 'Event Created At', type: 'datetime' },
  { path: ['account_id'], label: 'Account ID', type: 'string' },
  { path: ['schema_version'], label: 'Schema Version', type: 'string' },
].map((f) => ({ list: false, required: true, nullable: false, ...f }) as SchemaField);

/** The value at `path` in a nested object; undefined when a step is missing. */
export function valueAt(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
