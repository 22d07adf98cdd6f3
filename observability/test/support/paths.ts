import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** observability/ and the files in it that the tests read. */
export const OBSERVABILITY = fileURLToPath(new URL('../../', import.meta.url));
export const RULES_DIR = join(OBSERVABILITY, 'prometheus/rules');
export const RULE_TESTS_DIR = join(OBSERVABILITY, 'prometheus/tests');
export const DASHBOARDS_DIR = join(OBSERVABILITY, 'grafana/dashboards');

export function filesIn(dir: string, suffix: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(suffix))
    .sort()
    .map((f) => join(dir, f));
}
