import { createHash } from 'node:crypto';

/** A piece of output text on the work stack, told apart from the values still to serialise. */
class Text {
  constructor(readonly text: string) {}
}

/**
 * JSON with object keys sorted (by UTF-16 code units, at every depth), so two serialisations of
 * the same data compare equal whatever order the sender's JSON library wrote the keys in. Arrays
 * keep their order: in JSON it carries meaning. Iterative, so no input depth can overflow the stack.
 */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const node = stack.pop();
    let parts: unknown[];
    if (node instanceof Text) {
      out.push(node.text);
      continue;
    } else if (Array.isArray(node)) {
      parts = [new Text('[')];
      for (const [i, v] of node.entries()) parts.push(...(i > 0 ? [new Text(','), v] : [v]));
      parts.push(new Text(']'));
    } else if (node !== null && typeof node === 'object') {
      const object = node as Record<string, unknown>;
      parts = [new Text('{')];
      for (const [i, k] of Object.keys(object).sort().entries()) {
        parts.push(new Text(`${i > 0 ? ',' : ''}${JSON.stringify(k)}:`), object[k]);
      }
      parts.push(new Text('}'));
    } else {
      out.push(JSON.stringify(node) ?? 'null');
      continue;
    }
    for (let i = parts.length - 1; i >= 0; i--) stack.push(parts[i]);
  }
  return out.join('');
}

/** What an Idempotency-Key is bound to: the type and the data, compared canonically. */
export function requestHash(type: string, data: unknown): string {
  return createHash('sha256').update(type).update('\n').update(canonicalJson(data)).digest('hex');
}

/**
 * The hash stored before keys were compared canonically (data in the order it arrived). Still
 * accepted, so a retry of a request first made before the upgrade is answered, not refused.
 */
export function legacyRequestHash(type: string, data: unknown): string {
  return createHash('sha256').update(type).update('\n').update(JSON.stringify(data)).digest('hex');
}
