/**
 * What PostgreSQL (and PGlite, the same engine) cannot keep as the caller sent it, checked before
 * anything reaches a statement:
 *
 * - U+0000: `text` refuses it (22021), so a NUL in a name or description was a 500; `jsonb`
 *   refuses the `\u0000` escape too (22P05), so a receiver storing the payload as jsonb could never
 *   save an event carrying one, and would answer 5xx to every attempt until the dead letter.
 * - A lone UTF-16 surrogate: the drivers encode strings as UTF-8, which replaces it with U+FFFD, so
 *   `text` silently keeps something other than what was sent; `jsonb` refuses the `\ud800` escape
 *   (22P02), with the same effect on receivers as NUL.
 *
 * - For fields read back as single values, a leading U+FEFF (byte-order mark): PGlite decodes each
 *   value with a TextDecoder that drops it, so the embedded database gives back something other
 *   than what was sent. Event data is unaffected (its JSON text starts with `{`).
 *
 * test/security/text-checks.test.ts shows each of these on both backends.
 */

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why this string cannot be stored as sent, or null when it can. */
export function textProblem(value: string): string | null {
  if (value.includes('\u0000')) return 'contains U+0000 (NUL), which cannot be stored';
  if (LONE_SURROGATE.test(value)) return 'contains a lone UTF-16 surrogate, which is not valid Unicode';
  return null;
}

/** textProblem, plus a leading byte-order mark: for fields stored and read back on their own. */
export function fieldTextProblem(value: string): string | null {
  if (value.charCodeAt(0) === 0xfeff) {
    return 'starts with U+FEFF (a byte-order mark), which the embedded database does not give back';
  }
  return textProblem(value);
}

export interface TextProblem {
  /** Where, from the given root: `data.lead.name`, `data.items[2]`, `body["odd key"]`. */
  path: string;
  message: string;
}

const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;
const MAX_KEY_IN_PATH = 100;

function child(path: string, key: string): string {
  if (PLAIN_KEY.test(key)) return `${path}.${key}`;
  // JSON.stringify escapes NUL and lone surrogates, so the path itself is safe to show and store.
  return `${path}[${JSON.stringify(key.slice(0, MAX_KEY_IN_PATH))}]`;
}

type Item = { value: unknown; path: string } | { keyProblem: string; path: string };

/**
 * Every string in a parsed JSON value that cannot be stored as sent, object keys included, up to
 * `max` of them, in document order. Iterative, like the depth check, so a hostile shape cannot
 * overflow the stack.
 */
export function findTextProblems(
  value: unknown,
  root: string,
  check: (text: string) => string | null = textProblem,
  max = 20,
): TextProblem[] {
  const found: TextProblem[] = [];
  const stack: Item[] = [{ value, path: root }];
  while (stack.length > 0 && found.length < max) {
    const item = stack.pop()!;
    if ('keyProblem' in item) {
      found.push({ path: item.path, message: `key ${item.keyProblem}` });
      continue;
    }
    const { value: node, path } = item;
    if (typeof node === 'string') {
      const message = check(node);
      if (message) found.push({ path, message });
      continue;
    }
    if (node === null || typeof node !== 'object') continue;
    const children: Item[] = Array.isArray(node)
      ? node.map((v, i) => ({ value: v, path: `${path}[${i}]` }))
      : Object.entries(node).map(([k, v]) => {
          const keyProblem = check(k);
          return keyProblem ? { keyProblem, path: child(path, k) } : { value: v, path: child(path, k) };
        });
    // Pushed in reverse so that problems come out in document order.
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  return found;
}
