/**
 * A small renderer for the IML the Make app's requests use: `{{a.b.c}}` paths only. Make has no
 * local runtime, so the tests render the app's request templates with this and send them to a real
 * platform. A template that is exactly one `{{path}}` keeps the value's type (an object, a number);
 * inside a longer string the value is written as text. Anything else (a function call) throws, so a
 * template this cannot render is noticed rather than sent half-rendered.
 */
export function render(template: unknown, scope: Record<string, unknown>): unknown {
  if (typeof template === 'string') return renderString(template, scope);
  if (Array.isArray(template)) return template.map((item) => render(item, scope));
  if (template && typeof template === 'object') {
    return Object.fromEntries(Object.entries(template).map(([k, v]) => [k, render(v, scope)]));
  }
  return template;
}

const WHOLE = /^\{\{([^{}]+)\}\}$/;
const PART = /\{\{([^{}]+)\}\}/g;

function renderString(text: string, scope: Record<string, unknown>): unknown {
  const whole = WHOLE.exec(text);
  if (whole) return lookup(whole[1]!.trim(), scope);
  return text.replace(PART, (_m, expression: string) => String(lookup(expression.trim(), scope) ?? ''));
}

function lookup(expression: string, scope: Record<string, unknown>): unknown {
  if (!/^[A-Za-z_][\w]*(\.[\w]+)*$/.test(expression)) {
    throw new Error(`the test renderer handles paths only, not "${expression}"`);
  }
  let current: unknown = scope;
  for (const key of expression.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
